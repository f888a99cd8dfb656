using System.Resources;
using Microsoft.Extensions.Localization;

namespace DestinationPortal.Core.Localization;

/// <summary>
/// What access control tells a person: denied actions, user administration results, sign-in and setup refusals.
/// Marker type for <c>IStringLocalizer&lt;AccessText&gt;</c>; the texts are in AccessText.resx (English) and AccessText.de.resx.
/// </summary>
public sealed class AccessText
{
    private static readonly ResourceManager Resources = CoreResources.ResourcesOf(typeof(AccessText));

    private AccessText()
    {
    }

    /// <summary>The texts at the current UI culture.</summary>
    public static IStringLocalizer Localizer { get; } = CoreResources.LocalizerFor(typeof(AccessText));

    /// <summary>The English (neutral) text of a key, for what is stored language-neutral.</summary>
    public static string English(string key) => CoreResources.English(Resources, key);

    internal static string Text(string key, params object[] arguments) => CoreResources.Text(Localizer, key, arguments);
}
