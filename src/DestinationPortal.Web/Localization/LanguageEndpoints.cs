using DestinationPortal.Core.Access;
using DestinationPortal.Core.Localization;
using DestinationPortal.Web.Access;
using DestinationPortal.Web.Components.Account;
using Microsoft.AspNetCore.Identity;

namespace DestinationPortal.Web.Localization;

public static class LanguageEndpoints
{
    public const string Path = "/account/language";

    /// <summary>
    /// The language switch. Signed in, the choice is saved on the user and the session cookie re-issued with it (their
    /// other browsers and API tokens follow at their next sign-in or security-stamp check); signed out (the sign-in
    /// page), a cookie remembers it. An antiforgery-checked form POST, so another site cannot switch it.
    /// </summary>
    public static IEndpointRouteBuilder MapLanguageEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Path, async (HttpContext context, UserManager<PortalUser> users, SignInManager<PortalUser> signIn) =>
        {
            var form = await context.Request.ReadFormAsync();
            var returnUrl = ReturnUrls.Safe(form["returnUrl"]);
            if (PortalLanguages.Normalize(form["language"]) is not { } language)
            {
                return Results.LocalRedirect(returnUrl);
            }

            if (context.User.Identity?.IsAuthenticated == true && await users.GetUserAsync(context.User) is { } user)
            {
                user.Language = language;
                await users.UpdateAsync(user);
                await signIn.RefreshSignInAsync(user);
            }

            context.Response.Cookies.Append(PortalCultureProvider.LanguageCookie, language, new CookieOptions
            {
                HttpOnly = true,
                IsEssential = true,
                SameSite = SameSiteMode.Lax,
                Secure = context.Request.IsHttps,
                MaxAge = TimeSpan.FromDays(365),
            });
            return Results.LocalRedirect(returnUrl);
        }).AllowAnonymous().DisableAntiforgery().AddEndpointFilter(AccessEndpoints.RequireAntiforgery);
        return endpoints;
    }
}
