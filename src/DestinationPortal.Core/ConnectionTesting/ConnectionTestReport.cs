using System.Globalization;
using System.Text;
using DestinationPortal.Core.Localization;

namespace DestinationPortal.Core.ConnectionTesting;

public static class ConnectionTestReport
{
    private static Microsoft.Extensions.Localization.IStringLocalizer T => ConnectionTestText.Localizer;

    /// <summary>
    /// The whole run as plain text, for "copy report", support tickets and the stored history, at most
    /// <see cref="ReportText.MaxReportLength"/> characters. Events never carry the password, so neither does the report.
    /// The headings and labels are in the current UI culture (the reader's); messages and details are as the run wrote
    /// them, and what the server sent is quoted as sent. Field keys and SQLSTATE stay as they are: support reads them.
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
                AppendIndented(text, detail.Label, detail.Value);
            }

            if (item.Outcome is { } outcome)
            {
                text.Append("    ").AppendLine(T[outcome.Succeeded ? "Report.Outcome.Works" : "Report.Outcome.Failed"]);
                AppendIf(text, T["Report.Label.Stage"], outcome.ProblemStage?.Describe());
                AppendIf(text, T["Report.Label.Category"], outcome.Category?.Describe());
                AppendIf(text, T["Report.Label.FieldToFix"], outcome.FieldToFix);
                AppendIf(text, "SQLSTATE", outcome.SqlState);
                text.Append("    ").AppendLine(T["Report.Total", outcome.TotalMilliseconds]);
            }
        }

        // Events are bounded where they are made; this bounds what is stored and copied whatever the events hold.
        if (text.Length > ReportText.MaxReportLength)
        {
            text.Length = ReportText.MaxReportLength - 64;
            text.AppendLine().AppendLine(T["Report.Truncated", ReportText.MaxReportLength]);
        }

        return text.ToString();
    }

    private static void AppendIf(StringBuilder text, string label, string? value)
    {
        if (value is not null)
        {
            AppendIndented(text, label, value);
        }
    }

    private static void AppendIndented(StringBuilder text, string label, string value) =>
        text.Append("    ").Append(label).Append(": ").Append(value).AppendLine();
}
