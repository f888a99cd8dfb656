using DestinationPortal.EndToEndTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DestinationPortal.EndToEndTests.Journeys;

/// <summary>Issue 14: a run started on instance A is watched live from a browser pinned to instance B (Redis relay).</summary>
[Collection(PortalTestGroup.Name)]
public sealed class LiveWatchJourneys(PortalFixture portal) : IAsyncLifetime
{
    private readonly RedisServer _redis = new();
    private BalancedPortals _portals = null!;
    private IBrowserContext? _onA;
    private IBrowserContext? _onB;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        _portals = await BalancedPortals.StartAsync(portal, new Dictionary<string, string>
        {
            ["Portal__Redis__Configuration"] = _redis.Configuration,
        });
    }

    public async Task DisposeAsync()
    {
        foreach (var context in new[] { _onA, _onB })
        {
            if (context is not null)
            {
                await context.DisposeAsync();
            }
        }

        await _portals.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task RunStartedOnA_WatchedFromBrowserOnB_StagesLiveThenSameEnd()
    {
        // A server that accepts and never answers keeps the run in its TLS stage for as long as the journey needs.
        await using var silent = FakeServer.Silent();
        var token = Unique.Token();
        var name = $"watched-{token}";
        _onA = await _portals.NewContextPinnedToAsync("a");
        _onB = await _portals.NewContextPinnedToAsync("b");
        var onA = await BalancedPortals.OpenAsync(_onA);
        await DestinationForm.CreateAsync(onA, new DestinationValues(name)
        {
            ServerName = "127.0.0.1",
            TlsMode = "Prefer",
            Port = silent.Port,
            Username = "loader",
            Password = "watched-password-" + token,
            Database = "postgres",
            TimeoutSeconds = 60,
        });
        await DestinationForm.OpenAsync(onA, name);
        var onB = await BalancedPortals.OpenAsync(_onB);
        await DestinationForm.OpenAsync(onB, name);
        Assert.Equal("a", await _portals.NodeOfAsync(_onA));
        Assert.Equal("b", await _portals.NodeOfAsync(_onB));

        await DestinationForm.Button(onA, "Test Connection").ClickAsync();

        // B's page shows A's run while it still runs: it came through Redis, there is no result anywhere yet.
        await Expect(TestReport.Panel(onB)).ToContainTextAsync($"started by {PortalFixture.AdminName}");
        await Expect(TestReport.Stage(onB, "TcpConnection")).ToHaveAttributeAsync("data-status", "Succeeded");
        await Expect(TestReport.Stage(onB, "Tls")).ToHaveAttributeAsync("data-status", "Running");
        await Expect(TestReport.Result(onB)).ToHaveCountAsync(0);
        await Expect(TestReport.Result(onA)).ToHaveCountAsync(0);

        // The person on A cancels; the watcher on B sees the same end, each stage once.
        await TestReport.Panel(onA).GetByRole(AriaRole.Button, new() { Name = "Cancel test", Exact = true }).ClickAsync();
        await Expect(TestReport.Result(onA)).ToContainTextAsync("The test was cancelled during the TLS stage.");
        await Expect(TestReport.Result(onB)).ToContainTextAsync("The test was cancelled during the TLS stage.");
        await Expect(TestReport.Stage(onB, "Tls")).ToHaveAttributeAsync("data-status", "Failed");
        await Expect(TestReport.Stage(onB, "Tls")).ToHaveCountAsync(1);
        Assert.Equal("b", await _portals.NodeOfAsync(_onB));
    }
}
