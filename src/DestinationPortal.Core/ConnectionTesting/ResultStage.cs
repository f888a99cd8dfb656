using Microsoft.Extensions.Logging;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>Turns the run's verdict into the Result event, always the last, and logs the outcome without any secret.</summary>
internal static class ResultStage
{
    public static void Report(RunEvents events, Verdict verdict, ConnectionTestRequest request, string user, ILogger logger)
    {
        var total = events.ElapsedMilliseconds;
        var explanation = ReportText.Bound(verdict.Explanation, ReportText.MaxMessageLength);
        var sqlState = verdict.SqlState is null ? null : ReportText.Bound(verdict.SqlState, 16);
        var outcome = new ConnectionTestOutcome(verdict.Succeeded, verdict.Stage, verdict.Category, explanation, verdict.Field?.Key, sqlState, total);
        var status = !verdict.Succeeded ? ConnectionTestStatus.Failed
            : events.Warned || verdict.Category is not null ? ConnectionTestStatus.Warning
            : ConnectionTestStatus.Succeeded;
        events.Emit(ConnectionTestStage.Result, status, explanation, [], outcome);
        logger.LogInformation(
            "Connection test {RunId} by {User} to {Host}:{Port} ended {Status} (category {Category}, stage {Stage}, SQLSTATE {SqlState}) after {Milliseconds} ms",
            request.Id, user, request.Destination.ConnectHost, request.Destination.Port, status, verdict.Category, verdict.Stage, verdict.SqlState, total);
        events.Complete();
    }
}
