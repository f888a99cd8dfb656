using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.Destinations;
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

    /// <summary>
    /// A row's changed fields, stored as English labels joined by ", " (decision 41), each known one in the viewer's
    /// language; a name this version does not know stays as stored.
    /// </summary>
    public static string? ChangedFields(string? stored) => stored is null
        ? null
        : string.Join(", ", stored.Split(", ").Select(name => DestinationField.FindByEnglishLabel(name)?.Label ?? name));

    /// <summary>The outcomes <see cref="AuditOutcomes"/> names; any other text is a test run's, stored as written.</summary>
    public static IReadOnlyList<string> FixedOutcomes { get; } =
        [AuditOutcomes.Succeeded, AuditOutcomes.Failed, AuditOutcomes.Denied, AuditOutcomes.Abandoned];

    private static bool IsFixedOutcome(string outcome) => FixedOutcomes.Contains(outcome, StringComparer.Ordinal);

    private static string OrStored(LocalizedString text, string stored) => text.ResourceNotFound ? stored : text.Value;
}
