using System.ComponentModel;
using System.Globalization;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Web.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace DestinationPortal.Web.Api;

/// <summary>
/// Export and import of destination definitions without secrets (<see cref="DestinationTransfer"/> does the work).
/// Manage Destinations' Export button links to the GET; its Import dialog calls the service directly.
/// </summary>
internal static class TransferEndpoints
{
    public static RouteGroupBuilder MapTransferEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/export", ExportQueryAsync)
            .WithName("ExportDestinations")
            .WithSummary("Download destinations as an import document, without passwords: the ids given (id=…&id=…), those matching filter, or all.")
            .Produces<DestinationDocument>(contentType: "application/json")
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapPost("/export", ExportBodyAsync)
            .WithName("ExportChosenDestinations")
            .WithSummary("Like GET /api/destinations/export, with the ids in the body (for long lists).")
            .Produces<DestinationDocument>(contentType: "application/json")
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapPost("/import", ImportAsync)
            .WithName("ImportDestinations")
            .WithSummary("Plan (dryRun=true, the default) or apply (dryRun=false) an import document. The whole document is validated "
                + "first; applying writes every create and update in one transaction, or nothing. At most 1 MB and 1,000 destinations.")
            .Accepts<DestinationDocument>("application/json")
            .WithMetadata(new RequestSizeLimitAttribute(DestinationDocumentReader.MaxDocumentBytes))
            .Produces<ImportResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        return group;
    }

    /// <summary>The download's file name, e.g. destinations-20250131-120000.json.</summary>
    public static string FileName(DateTime utcNow) => "destinations-" + utcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + ".json";

    private static Task<IResult> ExportQueryAsync(
        [FromQuery(Name = "id"), Description("Ids to export (repeat id=…); none for all or the filter.")] Guid[]? ids,
        [Description("Only destinations whose name, server or database contains this text.")] string? filter,
        DestinationTransfer transfer,
        TimeProvider clock,
        CancellationToken cancellationToken) =>
        ExportAsync(ids, filter, transfer, clock, cancellationToken);

    private static Task<IResult> ExportBodyAsync(ExportRequest request, DestinationTransfer transfer, TimeProvider clock, CancellationToken cancellationToken) =>
        ExportAsync(request.Ids, request.Filter, transfer, clock, cancellationToken);

    private static async Task<IResult> ExportAsync(
        IReadOnlyCollection<Guid>? ids, string? filter, DestinationTransfer transfer, TimeProvider clock, CancellationToken cancellationToken)
    {
        var document = await transfer.ExportAsync(ids, filter, cancellationToken);
        return TypedResults.File(DestinationTransfer.Serialize(document), "application/json; charset=utf-8", FileName(clock.GetUtcNow().UtcDateTime));
    }

    private static async Task<IResult> ImportAsync(
        HttpRequest request,
        [Description("true (the default): only return the plan. false: apply it, unless it has a conflict.")] bool? dryRun,
        DestinationTransfer transfer,
        IStringLocalizer<ApiText> text,
        CancellationToken cancellationToken)
    {
        // JSON only: a cross-site form cannot send application/json without a preflight, whatever the cookie settings.
        if (!request.HasJsonContentType())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: text["Problem.SendJson.Title"],
                detail: text["Import.SendJson.Detail"]);
        }

        // Refused before reading when the client says it is too large; else read at most 1 MB, whatever it says.
        var json = request.ContentLength > DestinationDocumentReader.MaxDocumentBytes
            ? null
            : await DestinationDocumentReader.ReadLimitedAsync(request.Body, cancellationToken);
        if (json is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: text["Import.TooLarge.Title"],
                detail: text["Import.TooLarge.Detail", DestinationDocumentReader.TooLargeMessage]);
        }

        var result = await transfer.ImportAsync(json, dryRun ?? true, cancellationToken);
        var plan = result.Plan;
        if (!plan.IsValid)
        {
            return TypedResults.ValidationProblem(
                plan.Problems.GroupBy(p => p.Path.Length == 0 ? "$" : p.Path).ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray()),
                title: text["Import.Invalid.Title"],
                detail: plan.Problems.Count > 3
                    ? text["Import.Invalid.More", string.Join(" ", plan.Problems.Take(3).Select(p => p.Display)), plan.Problems.Count - 3]
                    : string.Join(" ", plan.Problems.Select(p => p.Display)));
        }

        if (!result.DryRun && !result.Applied)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: text["Import.Conflicts.Title"],
                detail: string.Join(" ", plan.Items.Where(i => i.Action == ImportAction.Conflict).Take(3).Select(i => text["Import.Conflicts.Entry", i.Entry + 1, i.Name, i.Message ?? ""].Value)),
                extensions: new Dictionary<string, object?> { ["plan"] = ImportResponse.From(result) });
        }

        return TypedResults.Ok(ImportResponse.From(result));
    }
}
