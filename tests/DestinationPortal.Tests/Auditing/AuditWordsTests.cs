using System.Globalization;
using System.Reflection;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Web.Components.Auditing;
using DestinationPortal.Web.Localization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Tests.Auditing;

/// <summary>The Audit page names every stored action and fixed outcome in both languages; what it cannot name it shows as stored.</summary>
public sealed class AuditWordsTests
{
    private static readonly StringLocalizer<AdminText> Text =
        new StringLocalizer<AdminText>(new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance));

    // The constants, not AuditActions.All: an action added without being listed there is caught too.
    private static IReadOnlyList<string> Constants(Type type) =>
        [.. type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!)];

    [Fact]
    public void EveryAuditAction_IsListed_AndHasAnEnglishAndAGermanName()
    {
        var actions = Constants(typeof(AuditActions));
        Assert.NotEmpty(actions);
        Assert.Equal(actions.Order(), AuditActions.All.Order());
        foreach (var action in actions)
        {
            var english = In("en", () => Text[AuditWords.ActionKey(action)]);
            var german = In("de-DE", () => Text[AuditWords.ActionKey(action)]);
            Assert.False(english.ResourceNotFound, $"{action} has no English name");
            Assert.False(string.IsNullOrWhiteSpace(english.Value), action);
            // German falls back to the neutral English when its resource is missing; a different text proves it is there.
            Assert.NotEqual(english.Value, german.Value);
        }
    }

    [Fact]
    public void EveryFixedOutcome_IsKnown_AndHasAnEnglishAndAGermanName()
    {
        var outcomes = Constants(typeof(AuditOutcomes));
        Assert.Equal(outcomes.Order(), AuditWords.FixedOutcomes.Order());
        foreach (var outcome in outcomes)
        {
            var english = In("en", () => AuditWords.Outcome(Text, outcome));
            var german = In("de-DE", () => AuditWords.Outcome(Text, outcome));
            Assert.False(In("en", () => Text[AuditWords.OutcomeKey(outcome)]).ResourceNotFound, $"{outcome} has no English name");
            Assert.NotEqual(english, german);
        }
    }

    [Fact]
    public void Names_InGerman_AreTheResourceTexts()
    {
        Assert.Equal("Destination angelegt", In("de-DE", () => AuditWords.Action(Text, AuditActions.DestinationCreated)));
        Assert.Equal("Verweigert", In("de-DE", () => AuditWords.Outcome(Text, AuditOutcomes.Denied)));
        Assert.Equal("Destination created", In("en", () => AuditWords.Action(Text, AuditActions.DestinationCreated)));
    }

    [Theory]
    [InlineData("Failed: Authentication")]
    [InlineData("Cancelled")]
    public void Outcome_OfATestRun_IsShownAsStored(string stored)
    {
        Assert.Equal(stored, In("de-DE", () => AuditWords.Outcome(Text, stored)));
    }

    [Fact]
    public void Action_NotKnownToThisVersion_IsShownAsStored()
    {
        Assert.Equal("some-future-action", In("de-DE", () => AuditWords.Action(Text, "some-future-action")));
    }

    [Fact]
    public void ChangedFields_StoredInEnglish_AreShownInTheViewersLanguage_UnknownNamesAsStored()
    {
        const string stored = "Server Name, TLS Mode, Password, Some Future Field";

        Assert.Equal("Servername, TLS-Modus, Kennwort, Some Future Field", In("de-DE", () => AuditWords.ChangedFields(stored)));
        Assert.Equal(stored, In("en", () => AuditWords.ChangedFields(stored)));
        Assert.Null(AuditWords.ChangedFields(null));
    }

    private static T In<T>(string culture, Func<T> read)
    {
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
            return read();
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}
