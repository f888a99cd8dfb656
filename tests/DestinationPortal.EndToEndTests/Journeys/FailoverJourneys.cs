using DestinationPortal.EndToEndTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DestinationPortal.EndToEndTests.Journeys;

/// <summary>Issue 14: two instances on one PostgreSQL store behind HAProxy; one is killed under an open page.</summary>
[Collection(PortalTestGroup.Name)]
public sealed class FailoverJourneys(PortalFixture portal) : IAsyncLifetime
{
    // The reconnect dialog's states as Blazor announces them, kept in the tab's sessionStorage so that they outlive the
    // reload that ends the story.
    private const string RecordReconnectStates = """
        () => {
            window.__beforeKill = true;
            sessionStorage.setItem('reconnect-states', '[]');
            document.getElementById('components-reconnect-modal').addEventListener('components-reconnect-state-changed', e => {
                const states = JSON.parse(sessionStorage.getItem('reconnect-states'));
                states.push(e.detail.state);
                sessionStorage.setItem('reconnect-states', JSON.stringify(states));
            });
        }
        """;

    private BalancedPortals _portals = null!;
    private IBrowserContext? _context;

    public async Task InitializeAsync() => _portals = await BalancedPortals.StartAsync(portal);

    public async Task DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.DisposeAsync();
        }

        await _portals.DisposeAsync();
    }

    [Fact]
    public async Task InstanceKilledUnderOpenPage_PageReloadsOnOtherInstance_StillSignedInAndTestsAgain()
    {
        var name = $"failover-{Unique.Token()}";
        _context = await _portals.NewContextPinnedToAsync("a");
        var page = await BalancedPortals.OpenAsync(_context);
        await DestinationForm.CreateAsync(page, new DestinationValues(name)
        {
            ServerName = "127.0.0.1",
            TlsMode = "Require",
            Port = portal.PostgreSql.Tls.Port,
            Username = TestRoles.Scram,
            Password = TestRoles.ScramPassword,
            Database = "postgres",
        });
        await DestinationForm.OpenAsync(page, name);
        await DestinationForm.Button(page, "Test Connection").ClickAsync();
        await Expect(TestReport.Result(page)).ToContainTextAsync("Connection works.");
        // HAProxy kept the browser on A all along: it rewrites the cookie only when it sends a request elsewhere.
        Assert.Equal("a", await _portals.NodeOfAsync(_context));

        // A dies with no shutdown at all. Blazor shows its reconnect dialog; HAProxy sends the reconnect to B (A refuses
        // connections: retries, then redispatch), B knows no such circuit, and the page loads afresh from B.
        await page.EvaluateAsync(RecordReconnectStates);
        await _portals.A.KillAsync();
        await page.WaitForFunctionAsync("() => window.__beforeKill === undefined", null, new() { Timeout = 60_000 });
        await PortalSession.WaitForInteractiveAsync(page);

        var states = await page.EvaluateAsync<string[]>("() => JSON.parse(sessionStorage.getItem('reconnect-states'))");
        Assert.Contains("show", states);
        // HAProxy's own cookie now (the journey's pin was replaced): out of scripts' reach.
        var node = await _portals.NodeCookieAsync(_context);
        Assert.Equal("b", node?.Value);
        Assert.True(node?.HttpOnly, "HAProxy's PORTAL_NODE cookie is readable by scripts.");
        // Still signed in: B decrypts A's authentication cookie with the key ring both read from the store.
        Assert.NotEqual("/account/signin", new Uri(page.Url).AbsolutePath);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Destination Details: {name}" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Password" })).ToContainTextAsync("a password is saved");

        // The password A encrypted decrypts on B, and the test runs there.
        await DestinationForm.Button(page, "Test Connection").ClickAsync();
        await Expect(TestReport.Result(page)).ToContainTextAsync("Connection works.");
        Assert.Equal("b", await _portals.NodeOfAsync(_context));

        // A comes back on the same port and rejoins the balancer once its health checks pass again.
        await _portals.A.StartAgainAsync();
        await _portals.Proxy.WaitUntilServedByAsync("a");
    }
}
