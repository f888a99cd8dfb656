using System.Globalization;
using System.Resources;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Core.Localization;

/// <summary>
/// The static accessors of Core's text areas. Core's rules and messages are static code without DI, so each area's
/// marker class offers a localizer at the current UI culture and, for what is stored language-neutral (the audit
/// trail), the English text of a key.
/// </summary>
internal static class CoreResources
{
    private static readonly ResourceManagerStringLocalizerFactory Factory =
        new(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance);

    public static IStringLocalizer LocalizerFor(Type marker) => Factory.Create(marker);

    public static ResourceManager ResourcesOf(Type marker) => new(marker.FullName!, marker.Assembly);

    public static string English(ResourceManager resources, string key) =>
        resources.GetString(key, CultureInfo.InvariantCulture) ?? throw new InvalidOperationException($"{resources.BaseName} has no text {key}");

    /// <summary>A text at the current UI culture; a key without a resource is a bug, not something to show a person.</summary>
    public static string Text(IStringLocalizer localizer, string key, object[] arguments)
    {
        var text = arguments.Length == 0 ? localizer[key] : localizer[key, arguments];
        return text.ResourceNotFound ? throw new InvalidOperationException($"No text {key} ({text.SearchedLocation})") : text.Value;
    }
}
