using System.Net;
using DestinationPortal.Core.Access;
using DestinationPortal.Core.Auditing;
using DestinationPortal.IntegrationTests.Hosting;
using DestinationPortal.OidcTestProvider;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.IntegrationTests.Oidc;

/// <summary>The portal configured for OpenID Connect against a real provider (OpenIddict) on loopback.</summary>
public sealed class OidcPortal : IAsyncLifetime
{
    public const string AdminGroup = "portal-admins";
    public const string EditorGroup = "portal-editors";
    public const string ViewerGroup = "portal-viewers";

    public OidcProvider Provider { get; private set; } = null!;

    public PortalApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Provider = await OidcProvider.StartAsync(new Uri("http://localhost/signin-oidc"));
        App = new PortalApp(Settings(Provider));
        _ = App.Server;
    }

    /// <summary>The portal's settings for <paramref name="provider"/>, with the three groups mapped.</summary>
    public static Dictionary<string, string?> Settings(OidcProvider provider) => new()
    {
        ["Portal:Authentication:Oidc:Authority"] = provider.Authority,
        ["Portal:Authentication:Oidc:ClientId"] = OidcProvider.ClientId,
        ["Portal:Authentication:Oidc:ClientSecret"] = provider.ClientSecret,
        ["Portal:Authentication:Oidc:Scopes:0"] = OidcProvider.GroupsClaim,
        ["Portal:Authentication:Oidc:RequireHttpsMetadata"] = "false",
        ["Portal:Authentication:Oidc:DisplayName"] = "Test Identity",
        ["Portal:Authentication:Oidc:RoleMapping:Administrator:0"] = AdminGroup,
        ["Portal:Authentication:Oidc:RoleMapping:Editor:0"] = EditorGroup,
        ["Portal:Authentication:Oidc:RoleMapping:Viewer:0"] = ViewerGroup,
    };

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Provider.DisposeAsync();
    }

    public Task<PortalUser?> UserAsync(string userName) =>
        App.WithScopeAsync(s => s.GetRequiredService<UserManager<PortalUser>>().FindByNameAsync(userName));

    public Task<List<AuditEntry>> AuditRowsAsync(string userName) => App.WithScopeAsync(async s =>
        (await s.GetRequiredService<AuditTrail>().QueryAsync(new AuditQuery(UserName: userName, Take: 500))).Items.ToList());
}

/// <summary>Who gets in through the company's identity, with which role, and what the audit trail says about it.</summary>
public sealed class OidcSignInTests(OidcPortal portal) : IClassFixture<OidcPortal>
{
    private OidcProvider Provider => portal.Provider;

    [Fact]
    public async Task SignInPage_OffersTheConfiguredProvider()
    {
        using var client = portal.App.CreateBrowserClient();

        var page = await client.GetStringAsync("/account/signin");

        Assert.Contains("Sign in with Test Identity", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstSignIn_CreatesTheUserWithTheHighestMappedRole_OpensASession_AndIsAudited()
    {
        Provider.SetPerson("sub-alice", "alice", "unrelated", OidcPortal.ViewerGroup, OidcPortal.EditorGroup);
        Provider.PersonAtKeyboard = "sub-alice";
        using var browser = new OidcBrowser(portal.App);

        using var hop = await browser.SignInAsync("/destinations");

        Assert.Equal(HttpStatusCode.OK, hop.StatusCode);
        Assert.Contains("http-equiv=\"refresh\" content=\"0;url=/destinations\"", await hop.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var user = await portal.UserAsync("alice");
        Assert.NotNull(user);
        Assert.Equal(PortalRole.Editor, user.Role);
        using var destinations = await browser.Portal.GetAsync("/destinations");
        Assert.Equal(HttpStatusCode.OK, destinations.StatusCode);
        var rows = await portal.AuditRowsAsync("alice");
        Assert.Contains(rows, r => r.Action == AuditActions.UserCreated && r.Details!.Contains("Editor", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Action == AuditActions.SignIn && r.Details == "via OpenID Connect");
    }

    [Fact]
    public async Task GroupChangeAtTheProvider_ChangesTheRoleAtTheNextSignIn_AndIsAudited()
    {
        Provider.SetPerson("sub-bob", "bob", OidcPortal.AdminGroup);
        Provider.PersonAtKeyboard = "sub-bob";
        using (var first = new OidcBrowser(portal.App))
        using (var signedIn = await first.SignInAsync())
        {
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        }

        Assert.Equal(PortalRole.Administrator, (await portal.UserAsync("bob"))!.Role);

        Provider.SetPerson("sub-bob", "bob", OidcPortal.ViewerGroup);
        using var second = new OidcBrowser(portal.App);
        using var again = await second.SignInAsync();

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(PortalRole.Viewer, (await portal.UserAsync("bob"))!.Role);
        using var users = await second.Portal.GetAsync("/users");
        Assert.Equal(HttpStatusCode.Redirect, users.StatusCode);
        Assert.Equal("/account/denied", users.Headers.Location!.AbsolutePath);
        Assert.Contains(await portal.AuditRowsAsync("bob"), r => r.Action == AuditActions.UserRoleChanged && r.Details == "user bob: Administrator → Viewer from the provider's groups");
    }

    [Fact]
    public async Task NoMappedGroup_IsRefusedWithAClearPage_CreatesNobody_AndIsAudited()
    {
        Provider.SetPerson("sub-carol", "carol", "sales", "everyone");
        Provider.PersonAtKeyboard = "sub-carol";
        using var browser = new OidcBrowser(portal.App);

        using var refused = await browser.SignInAsync();

        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("/account/external/refused?reason=NoMappedGroup", refused.Headers.Location!.OriginalString);
        var page = await browser.Portal.GetStringAsync(refused.Headers.Location);
        Assert.Contains("not in any group that has access to this portal", page, StringComparison.Ordinal);
        Assert.Null(await portal.UserAsync("carol"));
        await AssertNotSignedInAsync(browser);
        Assert.Contains(await portal.AuditRowsAsync("carol"), r => r.Action == AuditActions.SignInFailed && r.Outcome == AuditOutcomes.Denied && r.Details!.Contains("no mapped group", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TamperedState_IsRefused_AndIsAudited()
    {
        Provider.SetPerson("sub-dave", "dave", OidcPortal.AdminGroup);
        Provider.PersonAtKeyboard = "sub-dave";
        using var browser = new OidcBrowser(portal.App);
        var before = (await portal.AuditRowsAsync("anonymous")).Count;

        using var refused = await browser.SignInAsync(tamper: back => new Uri(TamperState(back.ToString())));

        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("/account/external/refused?reason=Failed", refused.Headers.Location!.OriginalString);
        Assert.Null(await portal.UserAsync("dave"));
        await AssertNotSignedInAsync(browser);
        var rows = await portal.AuditRowsAsync("anonymous");
        Assert.Equal(before + 1, rows.Count);
        Assert.Equal(AuditActions.SignInFailed, rows[0].Action);
        Assert.Equal("external sign-in refused: Unable to unprotect the message.State.", rows[0].Details);
    }

    [Fact]
    public async Task IdTokenForAnotherAudience_IsRefused()
    {
        Provider.SetPerson("sub-erin", "erin", OidcPortal.AdminGroup);
        Provider.PersonAtKeyboard = "sub-erin";
        Provider.IdTokenAudienceOverride = OidcProvider.OtherClientId;
        try
        {
            using var browser = new OidcBrowser(portal.App);

            using var refused = await browser.SignInAsync();

            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
            Assert.Equal("/account/external/refused?reason=Failed", refused.Headers.Location!.OriginalString);
            Assert.Null(await portal.UserAsync("erin"));
            await AssertNotSignedInAsync(browser);
            var refusal = (await portal.AuditRowsAsync("anonymous"))[0];
            Assert.Equal(AuditActions.SignInFailed, refusal.Action);
            Assert.StartsWith("external sign-in refused: IDX10214", refusal.Details, StringComparison.Ordinal);
        }
        finally
        {
            Provider.IdTokenAudienceOverride = null;
        }
    }

    [Fact]
    public async Task ClientSecret_IsNeverLogged_NorShown()
    {
        Provider.SetPerson("sub-frank", "frank", OidcPortal.EditorGroup);
        Provider.PersonAtKeyboard = "sub-frank";
        using var browser = new OidcBrowser(portal.App);
        using (var signedIn = await browser.SignInAsync())
        {
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        }

        Provider.IdTokenAudienceOverride = OidcProvider.OtherClientId;
        try
        {
            using var failed = await new OidcBrowser(portal.App).SignInAsync();
        }
        finally
        {
            Provider.IdTokenAudienceOverride = null;
        }

        var signInPage = await browser.Portal.GetStringAsync("/account/signin");
        Assert.NotEmpty(portal.App.Logs);
        Assert.DoesNotContain(portal.App.Logs, line => line.Contains(Provider.ClientSecret, StringComparison.Ordinal));
        Assert.DoesNotContain(Provider.ClientSecret, signInPage, StringComparison.Ordinal);
    }

    private static async Task AssertNotSignedInAsync(OidcBrowser browser)
    {
        using var response = await browser.Portal.GetAsync("/destinations");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/signin", response.Headers.Location!.AbsolutePath);
    }

    // Flips one character inside the state value: the handler must refuse it (state is data-protected and MAC'd).
    private static string TamperState(string url)
    {
        var start = url.IndexOf("state=", StringComparison.Ordinal) + "state=".Length;
        var at = start + 20;
        var replacement = url[at] == 'A' ? 'B' : 'A';
        return string.Concat(url.AsSpan(0, at), replacement.ToString(), url.AsSpan(at + 1));
    }
}

/// <summary>With no <c>Portal:Authentication:Oidc</c> settings the portal is exactly as before: no button, no endpoint, no scheme.</summary>
public sealed class OidcUnsetTests : IAsyncLifetime
{
    private readonly PortalApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Unset_NoButton_NoChallenge_NoScheme()
    {
        using var client = _app.CreateBrowserClient();
        var page = await client.GetStringAsync("/account/signin");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = PortalApp.AntiforgeryToken(page) });

        using var challenge = await client.PostAsync("/account/external/signin", form);

        Assert.DoesNotContain("/account/external/signin", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, challenge.StatusCode);
        var schemes = _app.Services.GetRequiredService<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider>();
        Assert.Null(await schemes.GetSchemeAsync("oidc"));
    }
}
