using System.Globalization;
using DestinationPortal.Core.Localization;
using Microsoft.AspNetCore.Localization;
using Microsoft.Net.Http.Headers;

namespace DestinationPortal.Web.Localization;

/// <summary>
/// Decides a request's language, in this order: the signed-in user's saved language (a claim of the session cookie or
/// API token), the <see cref="LanguageCookie"/> a signed-out browser chose on the sign-in page, the browser's
/// Accept-Language, English. The formatting culture is the browser's own culture of that language when it sends one
/// (de-AT, en-GB), so dates and numbers look as the reader is used to, whatever language they read.
/// </summary>
/// <remarks>
/// It runs after authentication (see <see cref="PortalLocalizationExtensions.UsePortalLocalization"/>): the circuit's
/// culture is set from the /_blazor request that opens it, which carries the same session cookie.
/// </remarks>
public sealed class PortalCultureProvider : RequestCultureProvider
{
    public const string LanguageClaim = "portal:language";

    public const string LanguageCookie = "portal-language";

    public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var accepted = AcceptedCultures(httpContext.Request);
        var language = PortalLanguages.Normalize(httpContext.User.FindFirst(LanguageClaim)?.Value)
            ?? PortalLanguages.Normalize(httpContext.Request.Cookies[LanguageCookie])
            ?? accepted.Select(PortalLanguages.Normalize).FirstOrDefault(l => l is not null)
            ?? PortalLanguages.English;
        var formatting = accepted.FirstOrDefault(name => PortalLanguages.Normalize(name) == language && IsSpecificCulture(name)) ?? language;
        return Task.FromResult<ProviderCultureResult?>(new ProviderCultureResult(formatting, language));
    }

    private static List<string> AcceptedCultures(HttpRequest request)
    {
        if (!StringWithQualityHeaderValue.TryParseList(request.Headers.AcceptLanguage, out var values))
        {
            return [];
        }

        // Bounded: a hostile header with a thousand entries costs nothing more than the first few.
        return [.. values.Where(v => v.Quality is not 0).OrderByDescending(v => v.Quality ?? 1).Take(8).Select(v => v.Value.ToString())];
    }

    private static bool IsSpecificCulture(string name)
    {
        try
        {
            return !CultureInfo.GetCultureInfo(name).IsNeutralCulture;
        }
        catch (CultureNotFoundException)
        {
            return false;
        }
    }
}
