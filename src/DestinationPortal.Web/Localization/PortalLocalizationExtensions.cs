using System.Globalization;
using DestinationPortal.Core.Localization;
using Microsoft.AspNetCore.Localization;

namespace DestinationPortal.Web.Localization;

public static class PortalLocalizationExtensions
{
    public static IServiceCollection AddPortalLocalization(this IServiceCollection services)
    {
        // IStringLocalizer itself is registered by AddPortalCore (Core's texts need it too).
        services.AddScoped<ViewerTime>();
        services.Configure<RequestLocalizationOptions>(options =>
        {
            // Every culture of a supported language may format (de-CH, en-IN...); only the two languages are translated.
            var formatting = CultureInfo.GetCultures(CultureTypes.AllCultures)
                .Where(c => PortalLanguages.All.Contains(c.TwoLetterISOLanguageName) && c.Name.Length > 0)
                .ToList();
            options.DefaultRequestCulture = new RequestCulture(PortalLanguages.English);
            options.SupportedCultures = formatting;
            options.SupportedUICultures = [.. PortalLanguages.All.Select(CultureInfo.GetCultureInfo)];
            options.RequestCultureProviders = [new PortalCultureProvider()];
            options.ApplyCurrentCultureToResponseHeaders = true;
        });
        return services;
    }

    /// <summary>After authentication: a signed-in user's own language comes from their session's claim.</summary>
    public static IApplicationBuilder UsePortalLocalization(this IApplicationBuilder app) => app.UseRequestLocalization();
}
