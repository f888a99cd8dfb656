using Microsoft.Extensions.Localization;
using MudBlazor;
using MudBlazor.Services;

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
        services.AddLocalizationInterceptor(sp => new DefaultLocalizationInterceptor(
            sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<MudLocalizer>()) { IgnoreDefaultEnglish = true });
        return services;
    }
}
