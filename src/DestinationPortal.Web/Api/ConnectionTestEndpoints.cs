using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Web.Localization;
using Microsoft.Extensions.Localization;

namespace DestinationPortal.Web.Api;

/// <summary>
/// Test Connection for scripts that want the finished report in one response (the live stream stays on the hub).
/// <see cref="DestinationService.PrepareTestAsync"/> checks the role, the destination and the body;
/// <see cref="DestinationTestRunner"/> does the work, the stored-password rule and the audit row.
/// </summary>
internal static class ConnectionTestEndpoints
{
    public static RouteGroupBuilder MapConnectionTestEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/{id:guid}/test", TestSavedAsync)
            .WithName("TestDestination")
            .WithSummary("Test a saved destination and return the finished report. Without a body it tests the destination as saved, with its "
                + "saved password; with a body it tests those values as the form would (the saved password only goes to exactly the target it was saved for: "
                + "server, private endpoint, port, user, database, TLS mode, CA certificate and Kerberos service name unchanged).")
            .Produces<ConnectionTestResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/test", TestUnsavedAsync)
            .WithName("TestUnsavedDestination")
            .WithSummary("Test a definition that is not saved (nothing is saved) and return the finished report.")
            .Produces<ConnectionTestResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        return group;
    }

    private static Task<IResult> TestSavedAsync(
        Guid id, DestinationRequest? request, DestinationService destinations, DestinationTestRunner runner, IStringLocalizer<ApiText> text, CancellationToken cancellationToken) =>
        TestAsync(id, request, destinations, runner, text, cancellationToken);

    private static Task<IResult> TestUnsavedAsync(
        DestinationRequest request, DestinationService destinations, DestinationTestRunner runner, IStringLocalizer<ApiText> text, CancellationToken cancellationToken) =>
        TestAsync(null, request, destinations, runner, text, cancellationToken);

    // The service checks the role, the destination and the body once; this only maps its answer.
    private static async Task<IResult> TestAsync(
        Guid? id, DestinationRequest? request, DestinationService destinations, DestinationTestRunner runner, IStringLocalizer<ApiText> text, CancellationToken cancellationToken)
    {
        var test = await destinations.PrepareTestAsync(id, request?.ToInput(), cancellationToken);
        return test.Status switch
        {
            TestPreparation.NotFound => ApiProblems.NotFound(text, id!.Value),
            TestPreparation.Invalid => ApiProblems.Invalid(text, test.Errors),
            _ => await ReportAsync(runner.RunAsync(test, cancellationToken: cancellationToken), text, cancellationToken),
        };
    }

    private static async Task<IResult> ReportAsync(IAsyncEnumerable<ConnectionTestEvent> run, IStringLocalizer<ApiText> text, CancellationToken cancellationToken)
    {
        var events = new List<ConnectionTestEvent>();
        await foreach (var item in run.WithCancellation(cancellationToken))
        {
            events.Add(item);
        }

        // Every run ends with a Result event that carries the outcome (refusals and cancellations included).
        if (events.LastOrDefault()?.Outcome is not { } outcome)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError, title: text["Test.NoResult.Title"]);
        }

        return TypedResults.Ok(new ConnectionTestResponse(events[^1].RunId, outcome.Succeeded, outcome, events, events.ToReportText()));
    }
}
