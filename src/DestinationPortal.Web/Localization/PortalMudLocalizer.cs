using Microsoft.Extensions.Localization;
using MudBlazor;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DestinationPortal.Web.Localization;

/// <summary>Hands MudBlazor its texts from <see cref="MudBlazorText"/>, in the request's (or circuit's) UI culture.</summary>
internal sealed class PortalMudLocalizer(IStringLocalizer<MudBlazorText> texts) : MudLocalizer
{
    public override LocalizedString this[string key] => texts[key];
}

public static class PortalMudLocalizationExtensions
{
    /// <summary>After AddMudServices: MudBlazor's texts come from our resources in every language.</summary>
    public static IServiceCollection AddPortalMudLocalization(this IServiceCollection services)
    {
        services.AddTransient<MudLocalizer, PortalMudLocalizer>();
        // English too (IgnoreDefaultEnglish): one source for every language, so the pseudo-localising tests see
        // MudBlazor's words as resource text. MudBlazorText.resx holds MudBlazor's own English (a test compares them),
        // and a key it lacks still falls back to MudBlazor's English.
        // One for the app, not MudBlazor's transient one: each instance builds its own ResourceManager for MudBlazor's
        // English, and every MudBlazor component that has words gets its own (two per component, about 50 a Details tab,
        // kept as long as the tab; decision 58). It holds no state: the language is the current UI culture at each call.
        services.Replace(ServiceDescriptor.Singleton<ILocalizationInterceptor>(sp => new DefaultLocalizationInterceptor(
            sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<MudLocalizer>()) { IgnoreDefaultEnglish = true }));
        return services;
    }
}
