using System.Globalization;
using System.Text;

namespace DestinationPortal.Core.ConnectionTesting;

public static class ConnectionTestReport
{
    /// <summary>
    /// The whole run as plain text, for "copy report", support tickets and the stored history, at most
    /// <see cref="ReportText.MaxReportLength"/> characters. Events never carry the password, so neither does the report.
    /// </summary>
    public static string ToReportText(this IEnumerable<ConnectionTestEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var text = new StringBuilder();
        foreach (var item in events)
        {
            text.Append(CultureInfo.InvariantCulture, $"[{item.ElapsedMilliseconds,6} ms] {item.Stage.Describe()} {item.Status.Describe()}: {item.Message}").AppendLine();
            foreach (var detail in item.Details)
            {
                text.Append(CultureInfo.InvariantCulture, $"    {detail.Label}: {detail.Value}").AppendLine();
            }

            if (item.Outcome is { } outcome)
            {
                text.AppendLine(outcome.Succeeded ? "    Outcome: connection works" : "    Outcome: failed");
                AppendIf(text, "Stage", outcome.ProblemStage?.Describe());
                AppendIf(text, "Category", outcome.Category?.Describe());
                AppendIf(text, "Field to fix", outcome.FieldToFix);
                AppendIf(text, "SQLSTATE", outcome.SqlState);
                text.Append(CultureInfo.InvariantCulture, $"    Total: {outcome.TotalMilliseconds} ms").AppendLine();
            }
        }

        // Events are bounded where they are made; this bounds what is stored and copied whatever the events hold.
        if (text.Length > ReportText.MaxReportLength)
        {
            text.Length = ReportText.MaxReportLength - 64;
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"[report truncated at {ReportText.MaxReportLength} characters]").AppendLine();
        }

        return text.ToString();
    }

    private static void AppendIf(StringBuilder text, string label, string? value)
    {
        if (value is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"    {label}: {value}").AppendLine();
        }
    }
}
