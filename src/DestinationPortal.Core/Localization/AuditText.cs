using System.Resources;
using Microsoft.Extensions.Localization;

namespace DestinationPortal.Core.Localization;

/// <summary>
/// The audit trail's actions and outcomes as a page shows them. The rows themselves stay English (a log compared
/// across users and exported); only what a reader sees is translated.
/// Marker type for <c>IStringLocalizer&lt;AuditText&gt;</c>; the texts are in AuditText.resx (English) and AuditText.de.resx.
/// </summary>
public sealed class AuditText
{
    private static readonly ResourceManager Resources = CoreResources.ResourcesOf(typeof(AuditText));

    private AuditText()
    {
    }

    /// <summary>The texts at the current UI culture.</summary>
    public static IStringLocalizer Localizer { get; } = CoreResources.LocalizerFor(typeof(AuditText));

    /// <summary>The English (neutral) text of a key, for what is stored language-neutral.</summary>
    public static string English(string key) => CoreResources.English(Resources, key);

    internal static string Text(string key, params object[] arguments) => CoreResources.Text(Localizer, key, arguments);
}
