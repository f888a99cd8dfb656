using DestinationPortal.EndToEndTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DestinationPortal.EndToEndTests.Journeys;

/// <summary>
/// Windows single sign-on in a real browser: a throwaway MIT realm, the portal with a keytab for HTTP/localhost, and
/// Chromium started with a person's ticket cache, a profile of its own and <c>--auth-server-allowlist=localhost</c>, as
/// domain policy would start it. A browser without a ticket (the suite's own) lands back on the sign-in page.
/// </summary>
[Collection(PortalTestGroup.Name)]
public sealed class WindowsSignInJourneys(PortalFixture portal) : IAsyncLifetime
{
    private const string Person = "ken";

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("dp-e2e-krb-");
    private KerberosRealm? _realm;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_realm is not null)
        {
            await _realm.DisposeAsync();
        }

        _work.Delete(recursive: true);
    }

    [Fact]
    public async Task TicketHolder_SignsInWithWindowsWithoutAPrompt_BrowserWithoutTicketFallsBackToTheSignInPage()
    {
        _realm = await KerberosRealm.StartAsync(Directory.CreateDirectory(Path.Combine(_work.FullName, "realm")).FullName);
        var httpKeytab = await _realm.AddPrincipalWithKeytabAsync("HTTP/localhost", "http.keytab");
        var ticketCache = $"FILE:{Path.Combine(_work.FullName, Person + ".cc")}";
        await _realm.KinitAsync(Person, await _realm.AddPrincipalWithKeytabAsync(Person, Person + ".keytab"), ticketCache);
        var app = await portal.StartAppAsync(new Dictionary<string, string>
        {
            ["Portal__Authentication__Windows__Enabled"] = "true",
            ["Portal__Authentication__Windows__Realm"] = KerberosRealm.Name,
            ["Portal__Authentication__Windows__Keytab"] = httpKeytab,
            ["Portal__Authentication__Windows__CreateUnknownUsersAsViewer"] = "true",
            ["KRB5_CONFIG"] = _realm.ConfigFile,
            ["KRB5RCACHEDIR"] = _work.FullName,
        });
        // The browser asks the KDC for HTTP/<host in the address bar>: the portal is addressed as localhost.
        var origin = $"http://localhost:{app.Port}/";

        using var playwright = await Playwright.CreateAsync();
        await using var context = await Chromium.LaunchWithProfileAsync(
            playwright,
            Directory.CreateDirectory(Path.Combine(_work.FullName, "profile")).FullName,
            origin,
            ["--auth-server-allowlist=localhost"],
            new Dictionary<string, string> { ["KRB5_CONFIG"] = _realm.ConfigFile, ["KRB5CCNAME"] = ticketCache });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();

        // Chromium on Linux loads GSSAPI on the first Negotiate challenge of a session and answers that one challenge
        // with ERR_UNSUPPORTED_AUTH_SCHEME (its net log shows -339, then the library load on the next challenge): the
        // portal's fallback page says so and the person presses the button again. The journey does the same.
        await page.GotoAsync(origin + "account/signin?returnUrl=%2Fdestinations");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with Windows" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/destinations", StringComparison.Ordinal) || url.Contains("windows=unavailable", StringComparison.Ordinal));
        if (page.Url.Contains("windows=unavailable", StringComparison.Ordinal))
        {
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your browser did not sign you in with Windows");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with Windows" }).ClickAsync();
        }

        // Nobody typed anything: the browser answered the challenge with the ticket in its cache.
        await Expect(page.GetByTestId("signed-in-user")).ToContainTextAsync($"{Person} · Viewer");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Manage Destinations" })).ToBeVisibleAsync();

        await using var withoutTicket = await portal.NewContextAsync(app);
        var other = await withoutTicket.NewPageAsync();
        await other.GotoAsync(origin + "account/signin");
        await other.GetByRole(AriaRole.Button, new() { Name = "Sign in with Windows" }).ClickAsync();
        await Expect(other.GetByRole(AriaRole.Status)).ToContainTextAsync("Your browser did not sign you in with Windows");
        await Expect(other.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }
}
