using System.Net;
using DestinationPortal.Core.Auditing;
using DestinationPortal.IntegrationTests.Hosting;
using DestinationPortal.OidcTestProvider;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.IntegrationTests.Oidc;

/// <summary>
/// The portal with OpenID Connect against the real provider, its sessions re-checked against the user store at every
/// request: each request rebuilds the cookie's principal, which is where the session's way in could get lost.
/// </summary>
public sealed class OidcSignOutPortal : IAsyncLifetime
{
    public OidcProvider Provider { get; private set; } = null!;

    public PortalApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Provider = await OidcProvider.StartAsync(new Uri("http://localhost/signin-oidc"));
        App = NewApp(Provider);
        _ = App.Server;
    }

    public static PortalApp NewApp(OidcProvider provider, Action<Dictionary<string, string?>>? change = null)
    {
        var settings = OidcPortal.Settings(provider);
        change?.Invoke(settings);
        return new PortalApp(settings, services =>
            services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = TimeSpan.Zero));
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Provider.DisposeAsync();
    }
}

/// <summary>Signing out of a session from the provider also ends it at the provider; a local account's stays in the portal.</summary>
public sealed class OidcSignOutTests(OidcSignOutPortal portal) : IClassFixture<OidcSignOutPortal>
{
    private OidcProvider Provider => portal.Provider;

    [Fact]
    public async Task SignOut_OfAProviderSession_GoesThroughTheProvidersEndSession_BackToSignIn_AndEndsThePortalSession()
    {
        Provider.SetPerson("sub-olga", "olga", OidcPortal.EditorGroup);
        Provider.PersonAtKeyboard = "sub-olga";
        using var browser = new OidcBrowser(portal.App);
        using (var signedIn = await browser.SignInAsync())
        {
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        }

        var before = Provider.EndSessionRequests;

        // The page's request is one more security-stamp check that rebuilds the session's principal.
        using var signOut = await SignOutAsync(browser.Portal);

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        var endSession = signOut.Headers.Location!;
        Assert.Equal(new Uri(new Uri(Provider.Authority), "connect/endsession").GetLeftPart(UriPartial.Path), endSession.GetLeftPart(UriPartial.Path));
        var query = QueryHelpers.ParseQuery(endSession.Query);
        Assert.Equal("http://localhost/signout-callback-oidc", query["post_logout_redirect_uri"].ToString());
        Assert.Equal(OidcProvider.ClientId, query["client_id"].ToString());
        Assert.False(query.ContainsKey("id_token_hint"));
        Assert.True(query.ContainsKey("state"));

        using var atProvider = await browser.AtProviderAsync(endSession);
        Assert.Equal(HttpStatusCode.Redirect, atProvider.StatusCode);
        Assert.Equal(before + 1, Provider.EndSessionRequests);
        var back = atProvider.Headers.Location!;
        Assert.Equal("http://localhost/signout-callback-oidc", back.GetLeftPart(UriPartial.Path));

        using var callback = await browser.Portal.GetAsync(back);
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("/account/signin", callback.Headers.Location!.OriginalString);
        await AssertNotSignedInAsync(browser.Portal);
        var rows = await portal.App.WithScopeAsync(async s =>
            (await s.GetRequiredService<AuditTrail>().QueryAsync(new AuditQuery(UserName: "olga", Take: 50))).Items.ToList());
        Assert.Single(rows, r => r.Action == AuditActions.SignOut);
    }

    [Fact]
    public async Task SignOut_OfALocalSession_StaysInThePortal()
    {
        using var session = await portal.App.SignedInClientAsync();
        var before = Provider.EndSessionRequests;

        using var signOut = await SignOutAsync(session);

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal("/account/signin", signOut.Headers.Location!.OriginalString);
        Assert.Equal(before, Provider.EndSessionRequests);
        await AssertNotSignedInAsync(session);
    }

    [Fact]
    public async Task SignOutAtProviderOff_SignsOutOfThePortalOnly()
    {
        await using var app = OidcSignOutPortal.NewApp(Provider, settings => settings["Portal:Authentication:Oidc:SignOutAtProvider"] = "false");
        Provider.SetPerson("sub-piet", "piet", OidcPortal.ViewerGroup);
        Provider.PersonAtKeyboard = "sub-piet";
        using var browser = new OidcBrowser(app);
        using (var signedIn = await browser.SignInAsync())
        {
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        }

        var before = Provider.EndSessionRequests;

        using var signOut = await SignOutAsync(browser.Portal);

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal("/account/signin", signOut.Headers.Location!.OriginalString);
        Assert.Equal(before, Provider.EndSessionRequests);
        await AssertNotSignedInAsync(browser.Portal);
    }

    /// <summary>Presses "Sign out" on a page, as the layout's form does (antiforgery token included).</summary>
    private static async Task<HttpResponseMessage> SignOutAsync(HttpClient session)
    {
        var page = await session.GetStringAsync("/destinations");
        using var form = new FormUrlEncodedContent([new KeyValuePair<string, string>("__RequestVerificationToken", PortalApp.AntiforgeryToken(page))]);
        return await session.PostAsync("/account/signout", form);
    }

    private static async Task AssertNotSignedInAsync(HttpClient session)
    {
        using var response = await session.GetAsync("/destinations");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/signin", response.Headers.Location!.AbsolutePath);
    }
}
