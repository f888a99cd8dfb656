using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Localization;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// What a run concluded: the stage that decided it, the category, the explanation and the field to fix. A stage returns
/// one when the run ends there; the Result stage turns it into the <see cref="ConnectionTestOutcome"/>.
/// </summary>
internal sealed record Verdict(bool Succeeded, ConnectionTestStage? Stage, ConnectionTestCategory? Category, string Explanation, DestinationField? Field, string? SqlState)
{
    public static Verdict Failure(ConnectionTestStage? stage, ConnectionTestCategory category, string explanation, DestinationField? field) =>
        new(false, stage, category, explanation, field, null);

    /// <summary>
    /// The stage's words as a translated sentence quotes them, in the current UI culture: "name resolution" in English
    /// (acronyms keep their capitals), "Namensauflösung" in German, where the noun keeps its capital.
    /// </summary>
    public static string StageInSentence(ConnectionTestStage stage) =>
        Enum.IsDefined(stage)
            ? ConnectionTestText.Localizer["Verdict.Stage." + stage].Value
            : throw new ArgumentOutOfRangeException(nameof(stage), stage, null);
}
