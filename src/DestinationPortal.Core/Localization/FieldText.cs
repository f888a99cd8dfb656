using System.Resources;
using Microsoft.Extensions.Localization;

namespace DestinationPortal.Core.Localization;

/// <summary>
/// Field labels and the help under fields: the words every form, message, import plan and report uses for a field.
/// <c>DestinationField.Label</c> reads them at the current UI culture; the audit trail stores <c>EnglishLabel</c>.
/// Marker type for <c>IStringLocalizer&lt;FieldText&gt;</c>; the texts are in FieldText.resx (English) and FieldText.de.resx.
/// </summary>
public sealed class FieldText
{
    private static readonly ResourceManager Resources = CoreResources.ResourcesOf(typeof(FieldText));

    private FieldText()
    {
    }

    /// <summary>The texts at the current UI culture.</summary>
    public static IStringLocalizer Localizer { get; } = CoreResources.LocalizerFor(typeof(FieldText));

    /// <summary>The English (neutral) text of a key, for what is stored language-neutral.</summary>
    public static string English(string key) => CoreResources.English(Resources, key);

    internal static string Text(string key, params object[] arguments) => CoreResources.Text(Localizer, key, arguments);
}
