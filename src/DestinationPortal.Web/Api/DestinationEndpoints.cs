using System.ComponentModel;
using DestinationPortal.Core.Access;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Web.Localization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Microsoft.Net.Http.Headers;

namespace DestinationPortal.Web.Api;

/// <summary>
/// <c>/api/destinations</c>: the Manage Destinations and Destination Details screens for scripts. Thin: the
/// <see cref="DestinationService"/> validates, checks the role and writes the audit row, exactly as for the screens.
/// </summary>
internal static class DestinationEndpoints
{
    public const int MaxPageSize = 500;

    private static readonly Dictionary<string, DestinationSortColumn> SortNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["name"] = DestinationSortColumn.Name,
        ["type"] = DestinationSortColumn.Type,
        ["server"] = DestinationSortColumn.Server,
        ["database"] = DestinationSortColumn.Database,
        ["tlsMode"] = DestinationSortColumn.TlsMode,
        ["lastTest"] = DestinationSortColumn.LastTest,
        ["updatedAt"] = DestinationSortColumn.UpdatedAt,
    };

    public static RouteGroupBuilder MapDestinationEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/", ListAsync)
            .WithName("ListDestinations")
            .WithSummary("List destinations: filter, sort and page, as the Manage Destinations grid does.")
            .Produces<DestinationListResponse>()
            .ProducesValidationProblem();

        group.MapGet("/{id:guid}", GetAsync)
            .WithName("GetDestination")
            .WithSummary("Read one destination. The ETag header (also the version property) is what If-Match needs for an update.")
            .Produces<DestinationResource>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/", CreateAsync)
            .WithName("CreateDestination")
            .WithSummary("Create a destination.")
            .Produces<DestinationResource>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPut("/{id:guid}", UpdateAsync)
            .WithName("UpdateDestination")
            .WithSummary("Replace a destination's definition. Needs If-Match: the ETag from GET, or * to overwrite whatever is stored.")
            .Produces<DestinationResource>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);

        group.MapDelete("/{id:guid}", DeleteAsync)
            .WithName("DeleteDestination")
            .WithSummary("Delete a destination (whatever its version, as the screens do).")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:guid}/copy", CopyAsync)
            .WithName("CopyDestination")
            .WithSummary("Create a copy named \"Copy of <name>\" (or the name in the body). The password is not copied.")
            .Produces<DestinationResource>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return group;
    }

    internal static string ETag(Guid version) => $"\"{version:D}\"";

    private static async Task<IResult> ListAsync(
        [Description("Matches name, server or database, ignoring case and accents.")] string? filter,
        [Description("name (default), type, server, database, tlsMode, lastTest or updatedAt.")] string? sort,
        bool? descending,
        [Description("Rows to skip; default 0.")] int? skip,
        [Description("Rows to return, 1 to 500; default 25.")] int? take,
        DestinationService destinations,
        IStringLocalizer<ApiText> text,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        DestinationSortColumn column = DestinationSortColumn.Name;
        if (sort is not null && !SortNames.TryGetValue(sort, out column))
        {
            errors["sort"] = [text["List.Sort", string.Join(", ", SortNames.Keys)]];
        }

        if (skip is < 0)
        {
            errors["skip"] = [text["List.Skip"]];
        }

        if (take is < 1 or > MaxPageSize)
        {
            errors["take"] = [text["List.Take", MaxPageSize]];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: text["List.Invalid.Title"]);
        }

        var query = new DestinationListQuery(filter, column, descending ?? false, skip ?? 0, take ?? 25);
        var page = await destinations.ListAsync(query, cancellationToken);
        return TypedResults.Ok(new DestinationListResponse(page.Items, page.TotalCount, query.Skip, query.Take));
    }

    private static async Task<IResult> GetAsync(Guid id, HttpContext http, DestinationService destinations, IStringLocalizer<ApiText> text, CancellationToken cancellationToken)
    {
        var stored = await destinations.GetForEditAsync(id, cancellationToken);
        return stored is null ? ApiProblems.NotFound(text, id) : Resource(http, stored);
    }

    private static async Task<IResult> CreateAsync(
        DestinationRequest request, HttpContext http, DestinationService destinations, IStringLocalizer<ApiText> text, CancellationToken cancellationToken) =>
        Created(http, text, await destinations.CreateAsync(request.ToInput(), cancellationToken: cancellationToken));

    private static async Task<IResult> UpdateAsync(
        Guid id, DestinationRequest request, HttpContext http, DestinationService destinations, AccessGuard guard, IStringLocalizer<ApiText> text, CancellationToken cancellationToken)
    {
        if (ReadIfMatch(http.Request, text, out var expected) is { } preconditionProblem)
        {
            // Answered without calling the service, so the role is checked here: a Viewer hears "forbidden" (and is
            // audited) whatever the headers say. Every other request is checked once, by the service.
            await guard.DemandAsync(PortalCapability.EditDestinations, "editing destinations", cancellationToken);
            return preconditionProblem;
        }

        // If-Match: * (expected null) is the API's Overwrite: save over the version stored right now.
        var result = await destinations.UpdateAsync(id, expected, request.ToInput(), cancellationToken);
        return result.Status switch
        {
            SaveStatus.Saved => Resource(http, result.Stored!),
            SaveStatus.NotFound => ApiProblems.NotFound(text, id),
            SaveStatus.Conflict => Stale(http, text, result.Conflict!, result.Stored!),
            _ => ApiProblems.SaveFailed(text, result),
        };
    }

    private static async Task<IResult> DeleteAsync(Guid id, DestinationService destinations, IStringLocalizer<ApiText> text, CancellationToken cancellationToken) =>
        await destinations.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : ApiProblems.NotFound(text, id);

    private static async Task<IResult> CopyAsync(
        Guid id, CopyDestinationRequest? request, HttpContext http, DestinationService destinations, IStringLocalizer<ApiText> text, CancellationToken cancellationToken)
    {
        var result = await destinations.CopyAsync(id, request?.Name, request?.Password, cancellationToken);
        return result.Status == SaveStatus.NotFound ? ApiProblems.NotFound(text, id) : Created(http, text, result);
    }

    private static IResult Created(HttpContext http, IStringLocalizer<ApiText> text, SaveResult result)
    {
        if (result.Status != SaveStatus.Saved)
        {
            return ApiProblems.SaveFailed(text, result);
        }

        var stored = result.Stored!;
        http.Response.Headers.ETag = ETag(stored.Version);
        return TypedResults.Created($"/api/destinations/{stored.Id}", DestinationResource.From(stored));
    }

    private static Ok<DestinationResource> Resource(HttpContext http, DestinationForEdit stored)
    {
        http.Response.Headers.ETag = ETag(stored.Version);
        return TypedResults.Ok(DestinationResource.From(stored));
    }

    // 412 says who saved in between and carries the current destination, so a script can merge and retry with its ETag.
    private static ProblemHttpResult Stale(HttpContext http, IStringLocalizer<ApiText> text, ConcurrencyConflict conflict, DestinationForEdit current)
    {
        http.Response.Headers.ETag = ETag(current.Version);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status412PreconditionFailed,
            title: text["Update.Stale.Title"],
            detail: text["Update.Stale.Detail", conflict.UpdatedBy, conflict.UpdatedAtUtc, ETag(current.Version)],
            extensions: new Dictionary<string, object?>
            {
                ["currentVersion"] = current.Version,
                ["updatedBy"] = conflict.UpdatedBy,
                ["updatedAtUtc"] = conflict.UpdatedAtUtc,
                ["current"] = DestinationResource.From(current),
            });
    }

    /// <summary>
    /// Null when If-Match holds one strong ETag (<paramref name="expected"/> = its version) or <c>*</c>
    /// (<paramref name="expected"/> = null); else the problem to answer. A bare version without quotes is accepted too.
    /// </summary>
    private static IResult? ReadIfMatch(HttpRequest request, IStringLocalizer<ApiText> text, out Guid? expected)
    {
        expected = null;
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status428PreconditionRequired,
                title: text["Update.IfMatchRequired.Title"],
                detail: text["Update.IfMatchRequired.Detail"]);
        }

        if (header == "*")
        {
            return null;
        }

        if (Guid.TryParse(header, out var bare))
        {
            expected = bare;
            return null;
        }

        if (EntityTagHeaderValue.TryParseStrictList([header], out var tags) && tags is [{ IsWeak: false } tag] && Guid.TryParse(tag.Tag.AsSpan().Trim('"'), out var version))
        {
            expected = version;
            return null;
        }

        return TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { ["If-Match"] = [text["Update.IfMatchInvalid"]] },
            title: text["Update.IfMatchInvalid.Title"]);
    }
}
