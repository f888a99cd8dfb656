using DestinationPortal.Core.Auditing;
using DestinationPortal.Web.Localization;
using Microsoft.Extensions.Localization;

namespace DestinationPortal.Web.Components.Auditing;

/// <summary>
/// How the Audit page names what a row stores. Rows keep language-neutral identifiers (an action such as
/// "destination-created", an outcome such as "Succeeded") so the trail reads the same for every viewer and in the CSV;
/// the page shows each identifier's text in the viewer's language. A test run's outcome ("Failed: Authentication") and
/// an action written by a later version are not in the resources and are shown as stored.
/// </summary>
internal static class AuditWords
{
    public static string ActionKey(string action) => "Audit.Action." + action;

    public static string OutcomeKey(string outcome) => "Audit.Outcome." + outcome;

    public static string Action(IStringLocalizer<AdminText> text, string action) => OrStored(text[ActionKey(action)], action);

    public static string Outcome(IStringLocalizer<AdminText> text, string outcome) =>
        IsFixedOutcome(outcome) ? OrStored(text[OutcomeKey(outcome)], outcome) : outcome;

    /// <summary>The outcomes <see cref="AuditOutcomes"/> names; any other text is a test run's, stored as written.</summary>
    public static IReadOnlyList<string> FixedOutcomes { get; } =
        [AuditOutcomes.Succeeded, AuditOutcomes.Failed, AuditOutcomes.Denied, AuditOutcomes.Abandoned];

    private static bool IsFixedOutcome(string outcome) => FixedOutcomes.Contains(outcome, StringComparer.Ordinal);

    private static string OrStored(LocalizedString text, string stored) => text.ResourceNotFound ? stored : text.Value;
}
