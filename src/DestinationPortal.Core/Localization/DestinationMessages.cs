using System.Resources;
using Microsoft.Extensions.Localization;

namespace DestinationPortal.Core.Localization;

/// <summary>
/// What the destination services tell a person: save results, conflicts, import and export problems and plans.
/// Named so, not DestinationText, because the Web project has a DestinationText area of its own for the screens.
/// Marker type for <c>IStringLocalizer&lt;DestinationMessages&gt;</c>; the texts are in DestinationMessages.resx (English) and DestinationMessages.de.resx.
/// </summary>
public sealed class DestinationMessages
{
    private static readonly ResourceManager Resources = CoreResources.ResourcesOf(typeof(DestinationMessages));

    private DestinationMessages()
    {
    }

    /// <summary>The texts at the current UI culture.</summary>
    public static IStringLocalizer Localizer { get; } = CoreResources.LocalizerFor(typeof(DestinationMessages));

    /// <summary>The English (neutral) text of a key, for what is stored language-neutral.</summary>
    public static string English(string key) => CoreResources.English(Resources, key);

    internal static string Text(string key, params object[] arguments) => CoreResources.Text(Localizer, key, arguments);
}
