using System.Net;
using System.Net.Http.Headers;
using DestinationPortal.EndToEndTests.Infrastructure;
using DestinationPortal.OidcTestProvider;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DestinationPortal.EndToEndTests.Journeys;

/// <summary>
/// Issue 15: signing in with the company's OpenID Connect provider in a real browser, across two sites: first sign-in,
/// a group change at the provider, a refusal, sign-out through the provider, and an OIDC user's API token dying with
/// the user's access. Each journey's person has their own subject at the provider.
/// </summary>
[Collection(PortalTestGroup.Name)]
public sealed class OidcJourneys(PortalFixture portal, OidcPortal oidc) : IClassFixture<OidcPortal>, IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];

    private OidcProvider Provider => oidc.Provider;

    public async Task InitializeAsync() => await oidc.StartAsync(portal);

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }
    }

    [Fact]
    public async Task FirstSignIn_CreatesTheUserWithTheMappedRole_AndLandsSignedInOnThePageAskedFor()
    {
        var userName = $"oidc-editor-{Unique.Token()}";
        Provider.SetPerson($"sub-{userName}", userName, "everyone", OidcPortal.EditorGroup);
        var page = await NewPageAsync();
        await page.GotoAsync("account/tokens");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "signin-oidc.png", fullPage: false);

        await SignInWithProviderAsync(page, $"sub-{userName}");

        // The session cookie is SameSite=Strict and the way back from the provider is a cross-site redirect chain: only
        // the same-site hop after the callback gets it sent. Signed-in UI on the page asked for proves the hop works.
        await PortalSession.WaitForInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "API tokens" })).ToBeVisibleAsync();
        Assert.Equal("/account/tokens", new Uri(page.Url).AbsolutePath);
        await Expect(page.GetByTestId("signed-in-user")).ToContainTextAsync($"{userName} · Editor");
        await PortalSession.GoToAsync(page, "destinations");
        await Expect(ImportButton(page)).ToBeVisibleAsync();
    }

    [Fact]
    public async Task GroupChangeAtTheProvider_ChangesTheRoleAtTheNextSignIn()
    {
        var userName = $"oidc-mover-{Unique.Token()}";
        var subject = $"sub-{userName}";
        Provider.SetPerson(subject, userName, OidcPortal.EditorGroup);
        var first = await NewPageAsync();
        await first.GotoAsync("destinations");
        await SignInWithProviderAsync(first, subject);
        await PortalSession.WaitForInteractiveAsync(first);
        await Expect(first.GetByTestId("signed-in-user")).ToContainTextAsync($"{userName} · Editor");
        await Expect(ImportButton(first)).ToBeVisibleAsync();

        Provider.SetPerson(subject, userName, OidcPortal.ViewerGroup);
        var second = await NewPageAsync();
        await second.GotoAsync("destinations");
        await SignInWithProviderAsync(second, subject);

        await PortalSession.WaitForInteractiveAsync(second);
        await Expect(second.GetByTestId("signed-in-user")).ToContainTextAsync($"{userName} · Viewer");
        await Expect(second.GetByRole(AriaRole.Heading, new() { Name = "Manage Destinations" })).ToBeVisibleAsync();
        await Expect(ImportButton(second)).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task NoMappedGroup_SeesTheRefusalPage_AndTheAuditTrailShowsTheRefusal()
    {
        var userName = $"oidc-stranger-{Unique.Token()}";
        Provider.SetPerson($"sub-{userName}", userName, "sales", "everyone");
        var page = await NewPageAsync();
        await page.GotoAsync("destinations");

        await SignInWithProviderAsync(page, $"sub-{userName}");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign-in refused" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not in any group that has access to this portal");
        await Screenshots.SaveAsync(page, "signin-oidc-refused.png", fullPage: false);
        await page.GotoAsync("destinations");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();

        var admin = await OpenAsAdministratorAsync();
        await PortalSession.GoToAsync(admin, "audit");
        await admin.GetByLabel("User", new() { Exact = true }).SelectOptionAsync(userName);
        var refusal = admin.Locator("tr").Filter(new() { HasText = "no mapped group" });
        await Expect(refusal).ToHaveCountAsync(1);
        await Expect(refusal).ToContainTextAsync(userName);
        await Expect(refusal.Locator("[data-action='sign-in-failed']")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task SignOut_EndsThePortalSession_AndPassesThroughTheProvidersEndSession()
    {
        var userName = $"oidc-leaver-{Unique.Token()}";
        Provider.SetPerson($"sub-{userName}", userName, OidcPortal.EditorGroup);
        var page = await NewPageAsync();
        await page.GotoAsync("destinations");
        await SignInWithProviderAsync(page, $"sub-{userName}");
        await PortalSession.WaitForInteractiveAsync(page);
        await Expect(page.GetByTestId("signed-in-user")).ToContainTextAsync(userName);
        var visited = new List<Uri>();
        page.Request += (_, request) => visited.Add(new Uri(request.Url));
        var before = Provider.EndSessionRequests;

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.Equal(before + 1, Provider.EndSessionRequests);
        var path = visited.Select(u => u.GetLeftPart(UriPartial.Path)).ToList();
        var endSession = path.IndexOf(new Uri(new Uri(Provider.Authority), "connect/endsession").ToString());
        var callback = path.IndexOf(new Uri(oidc.App.BaseUrl, "signout-callback-oidc").ToString());
        var signIn = path.LastIndexOf(new Uri(oidc.App.BaseUrl, "account/signin").ToString());
        Assert.True(endSession >= 0 && endSession < callback && callback < signIn, "Requests: " + string.Join(" → ", path));
        await page.GotoAsync("destinations");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ApiTokenOfAnOidcUser_StopsWorking_WhenAnAdministratorDisablesTheUser()
    {
        var userName = $"oidc-scripter-{Unique.Token()}";
        Provider.SetPerson($"sub-{userName}", userName, OidcPortal.EditorGroup);
        var page = await NewPageAsync();
        await page.GotoAsync("destinations");
        await SignInWithProviderAsync(page, $"sub-{userName}");
        await PortalSession.WaitForInteractiveAsync(page);
        await PortalSession.GoToAsync(page, "account/tokens");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "API tokens" })).ToBeVisibleAsync();
        await page.GetByLabel("Token name").FillAsync("nightly");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        var token = await page.GetByTestId("issued-token").Locator(".copy-secret").InnerTextAsync();
        using var script = new HttpClient { BaseAddress = oidc.App.BaseUrl };
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Trim());
        using (var works = await script.GetAsync("api/destinations"))
        {
            Assert.Equal(HttpStatusCode.OK, works.StatusCode);
        }

        var admin = await OpenAsAdministratorAsync();
        await PortalSession.GoToAsync(admin, "users");
        var row = admin.GetByTestId("user-row").Filter(new() { HasText = userName });
        await row.GetByRole(AriaRole.Button, new() { Name = $"Disable {userName}" }).ClickAsync();
        var confirm = admin.GetByRole(AriaRole.Dialog, new() { Name = "Disable user" });
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Disable", Exact = true }).ClickAsync();
        await Expect(row).ToContainTextAsync("Disabled");

        using var refused = await script.GetAsync("api/destinations");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    private static ILocator ImportButton(IPage page) => page.GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true });

    /// <summary>On the portal's sign-in page: presses the provider's button, where <paramref name="subject"/> "types their password".</summary>
    private async Task SignInWithProviderAsync(IPage page, string subject)
    {
        Provider.PersonAtKeyboard = subject;
        // The click waits for the whole chain to commit: challenge, discovery, authorize, code redemption and mapping,
        // two processes each cold on their first sign-in. 20 s was too short on a loaded machine (a bound, not a speed check).
        await page.GetByRole(AriaRole.Button, new() { Name = $"Sign in with {OidcPortal.DisplayName}" }).ClickAsync(new() { Timeout = 90_000 });
    }

    private async Task<IPage> NewPageAsync()
    {
        var context = await portal.NewContextAsync(oidc.App);
        _contexts.Add(context);
        return await context.NewPageAsync();
    }

    /// <summary>The fixture's local administrator (break-glass account) in a browser of their own.</summary>
    private async Task<IPage> OpenAsAdministratorAsync()
    {
        var context = await portal.NewContextAsync(oidc.App);
        _contexts.Add(context);
        return await new PortalSession(oidc.App).OpenAsync(context);
    }
}
