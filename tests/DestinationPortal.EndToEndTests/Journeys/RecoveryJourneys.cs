using DestinationPortal.EndToEndTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DestinationPortal.EndToEndTests.Journeys;

/// <summary>Journey 8: a reload in the middle of a test, and a server restart under an open page.</summary>
[Collection(PortalTestGroup.Name)]
public sealed class RecoveryJourneys(PortalFixture portal) : IAsyncLifetime
{
    private IBrowserContext _context = null!;

    public async Task InitializeAsync() => _context = await portal.NewContextAsync();

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task ReloadDuringTestAndServerRestart_PageRecovers_SavedDataIntact()
    {
        await using var silent = FakeServer.Silent();
        var token = Unique.Token();
        var stalled = $"stalled-{token}";
        var tls = $"restarted-{token}";
        var page = await portal.Session.OpenAsync(_context);
        await DestinationForm.CreateAsync(page, new DestinationValues(stalled)
        {
            ServerName = "127.0.0.1",
            Port = silent.Port,
            Username = "loader",
            Password = "stalled-password-" + token,
            Database = "postgres",
            TimeoutSeconds = 60,
        });
        await DestinationForm.CreateAsync(page, new DestinationValues(tls)
        {
            ServerName = "127.0.0.1",
            TlsMode = "Require",
            Port = portal.PostgreSql.Tls.Port,
            Username = TestRoles.Scram,
            Password = TestRoles.ScramPassword,
            Database = "postgres",
        });

        await DestinationForm.OpenAsync(page, stalled);
        await DestinationForm.Button(page, "Test Connection").ClickAsync();
        await Expect(TestReport.Stage(page, "Tls")).ToHaveAttributeAsync("data-status", "Running");

        // Reloading abandons the run with the old circuit; the page comes back with the saved destination and works.
        await page.ReloadAsync();
        await PortalSession.WaitForInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Destination Details: {stalled}" })).ToBeVisibleAsync();
        await Expect(DestinationForm.Field(page, "Port")).ToHaveValueAsync(silent.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Password" })).ToContainTextAsync("a password is saved");
        await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        await DestinationForm.Button(page, "Test Connection").ClickAsync();
        await Expect(TestReport.Stage(page, "Tls")).ToHaveAttributeAsync("data-status", "Running");
        await TestReport.Panel(page).GetByRole(AriaRole.Button, new() { Name = "Cancel test", Exact = true }).ClickAsync();
        await Expect(TestReport.Result(page)).ToContainTextAsync("The test was cancelled during the TLS stage.");

        await DestinationForm.BackToGridAsync(page);
        await DestinationForm.OpenAsync(page, tls);
        // The server goes away under the open page and comes back on the same port and data directory. Blazor shows
        // its reconnect dialog, finds its circuit gone with the old process, and loads the page afresh (the marker
        // set here disappears with the old document).
        await page.EvaluateAsync("() => window.__beforeRestart = true");
        var reconnecting = page.Locator("#components-reconnect-modal");
        await portal.App.StopAsync();
        await Expect(reconnecting).ToBeVisibleAsync();
        await portal.App.StartAgainAsync();
        await page.WaitForFunctionAsync("() => window.__beforeRestart === undefined", null, new() { Timeout = 60_000 });
        await PortalSession.WaitForInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Destination Details: {tls}" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Password" })).ToContainTextAsync("a password is saved");
        await DestinationForm.Button(page, "Test Connection").ClickAsync();
        await Expect(reconnecting).ToBeHiddenAsync();

        // The stored password still decrypts (the key ring is in the data directory) and both destinations are listed.
        await DestinationForm.Button(page, "Test Connection").ClickAsync();
        await Expect(TestReport.Result(page)).ToContainTextAsync("Connection works.");
        await DestinationForm.BackToGridAsync(page);
        await DestinationForm.Field(page, "Filter").FillAsync(token);
        await Expect(DestinationForm.Row(page, stalled)).ToBeVisibleAsync();
        await Expect(DestinationForm.Row(page, tls)).ToBeVisibleAsync();
    }
}
