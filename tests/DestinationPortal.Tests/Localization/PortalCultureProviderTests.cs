using System.Security.Claims;
using DestinationPortal.Web.Localization;
using Microsoft.AspNetCore.Http;

namespace DestinationPortal.Tests.Localization;

public sealed class PortalCultureProviderTests
{
    [Theory]
    // Nothing said: English.
    [InlineData(null, null, null, "en", "en")]
    // The browser's language, formatted as the browser's own culture.
    [InlineData(null, null, "de-AT,de;q=0.9,en;q=0.5", "de", "de-AT")]
    // A language we do not speak is passed over for the next one the browser accepts.
    [InlineData(null, null, "fr-FR,de-CH;q=0.8", "de", "de-CH")]
    // The sign-in page's choice beats the browser; the formatting stays the browser's where it is of that language.
    [InlineData(null, "de", "en-GB,en;q=0.9", "de", "de")]
    [InlineData(null, "en", "en-GB,de;q=0.5", "en", "en-GB")]
    // The user's saved language beats both.
    [InlineData("de", "en", "en-US", "de", "de")]
    [InlineData("en", "de", "de-DE", "en", "en")]
    // Garbage in the cookie or claim is ignored, not trusted.
    [InlineData("xx", "<script>", "de-DE", "de", "de-DE")]
    public async Task TheUsersLanguageThenTheCookieThenTheBrowser(string? claim, string? cookie, string? acceptLanguage, string ui, string formatting)
    {
        var context = new DefaultHttpContext();
        if (claim is not null)
        {
            context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(PortalCultureProvider.LanguageClaim, claim)], "test"));
        }

        if (cookie is not null)
        {
            context.Request.Headers.Cookie = $"{PortalCultureProvider.LanguageCookie}={Uri.EscapeDataString(cookie)}";
        }

        if (acceptLanguage is not null)
        {
            context.Request.Headers.AcceptLanguage = acceptLanguage;
        }

        var result = await new PortalCultureProvider().DetermineProviderCultureResult(context);

        Assert.NotNull(result);
        Assert.Equal(ui, Assert.Single(result.UICultures).Value);
        Assert.Equal(formatting, Assert.Single(result.Cultures).Value);
    }
}
