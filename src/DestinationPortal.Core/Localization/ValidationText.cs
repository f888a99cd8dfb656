using System.Resources;
using Microsoft.Extensions.Localization;

namespace DestinationPortal.Core.Localization;

/// <summary>
/// Validation messages of destination fields, user names, passwords (Identity's error describer) and API tokens.
/// Marker type for <c>IStringLocalizer&lt;ValidationText&gt;</c>; the texts are in ValidationText.resx (English) and ValidationText.de.resx.
/// </summary>
public sealed class ValidationText
{
    private static readonly ResourceManager Resources = CoreResources.ResourcesOf(typeof(ValidationText));

    private ValidationText()
    {
    }

    /// <summary>The texts at the current UI culture.</summary>
    public static IStringLocalizer Localizer { get; } = CoreResources.LocalizerFor(typeof(ValidationText));

    /// <summary>The English (neutral) text of a key, for what is stored language-neutral.</summary>
    public static string English(string key) => CoreResources.English(Resources, key);

    internal static string Text(string key, params object[] arguments) => CoreResources.Text(Localizer, key, arguments);
}
