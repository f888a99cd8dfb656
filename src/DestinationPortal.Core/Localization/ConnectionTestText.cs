using System.Resources;
using Microsoft.Extensions.Localization;

namespace DestinationPortal.Core.Localization;

/// <summary>
/// Every word of the connection test: stage, status and category words, stage messages, the copied report. Marker type
/// for <c>IStringLocalizer&lt;ConnectionTestText&gt;</c>; the texts are in ConnectionTestText.resx (English) and
/// ConnectionTestText.de.resx. The stages are static code without DI, so they use <see cref="Localizer"/>.
/// </summary>
public sealed class ConnectionTestText
{
    private ConnectionTestText()
    {
    }

    /// <summary>The texts at the current UI culture (the run's culture inside a run: ConnectionTester sets it).</summary>
    public static IStringLocalizer Localizer { get; } = CoreResources.LocalizerFor(typeof(ConnectionTestText));

    // The localizer has no per-call culture; the audit trail needs the English text whatever the current culture is.
    private static readonly ResourceManager Resources = CoreResources.ResourcesOf(typeof(ConnectionTestText));

    /// <summary>The English (neutral) text of a key, for what is stored language-neutral (the audit trail).</summary>
    public static string English(string key) => CoreResources.English(Resources, key);
}
