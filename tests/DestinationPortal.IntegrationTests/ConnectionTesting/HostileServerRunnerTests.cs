using System.Globalization;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using DestinationPortal.IntegrationTests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using static DestinationPortal.Core.ConnectionTesting.ServerWire;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

/// <summary>Hostile servers met through the portal's own runner: the portal's slot and the stored history stay safe.</summary>
public sealed class HostileServerRunnerTests : IAsyncLifetime
{
    private readonly PortalApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task TestSaved_CallerLeavesDuringNoticeFlood_FreesThePortalsSlotAtOnce()
    {
        await using var server = FakePostgreSqlServer.Start(async (session, ct) =>
        {
            await session.SendAsync(Authentication(0), ct);
            while (true)
            {
                await session.SendAsync(Error("01000", "still here", 'N'), ct);
                await Task.Delay(10, ct);
            }
        });
        var id = await SeedAsync(server.Port, timeoutSeconds: 30);
        var gate = _app.Services.GetRequiredService<ConnectionTestGate>();
        using var caller = new CancellationTokenSource();
        var inFlightDuringFlood = -1;

        var events = await _app.WithScopeAsync(async services =>
        {
            var events = new List<ConnectionTestEvent>();
            await foreach (var item in services.GetRequiredService<DestinationTestRunner>().TestSavedAsync(id, cancellationToken: caller.Token))
            {
                events.Add(item);
                if (item is { Stage: ConnectionTestStage.Authentication, Status: ConnectionTestStatus.Running } && item.Message.StartsWith("The server asks for", StringComparison.Ordinal))
                {
                    inFlightDuringFlood = gate.InFlight;
                    // What a closed tab or a dropped API client does to the run.
                    caller.CancelAfter(TimeSpan.FromMilliseconds(200));
                }
            }

            return events;
        });

        Assert.Equal(1, inFlightDuringFlood);
        Assert.Equal(0, gate.InFlight);
        Assert.Equal(ConnectionTestCategory.Cancelled, events[^1].Outcome!.Category);
        Assert.True(events[^1].Outcome!.TotalMilliseconds < 5000, events.ToReportText());
    }

    [Fact]
    public async Task TestSaved_MegabyteServerError_StoresABoundedReport()
    {
        await using var server = FakePostgreSqlServer.Start(async (session, ct) =>
        {
            await session.SendAsync(Authentication(0), ct);
            await session.SendAsync(Error("XX000", new string('x', 1024 * 1024)), ct);
        });
        var id = await SeedAsync(server.Port, timeoutSeconds: 5);

        var events = await _app.WithScopeAsync(async services =>
        {
            var events = new List<ConnectionTestEvent>();
            await foreach (var item in services.GetRequiredService<DestinationTestRunner>().TestSavedAsync(id))
            {
                events.Add(item);
            }

            return events;
        });
        var stored = await _app.WithScopeAsync(services => services.GetRequiredService<ConnectionTestHistory>().LatestAsync(id));

        Assert.Equal("XX000", events[^1].Outcome!.SqlState);
        var run = Assert.Single(stored);
        Assert.True(run.ReportText.Length <= ReportText.MaxReportLength, $"Stored report of {run.ReportText.Length} characters.");
        Assert.True(run.Explanation.Length <= ReportText.MaxMessageLength, $"Stored explanation of {run.Explanation.Length} characters.");
        Assert.Contains("truncated", run.ReportText, StringComparison.Ordinal);
    }

    private Task<Guid> SeedAsync(int port, int timeoutSeconds) => _app.WithScopeAsync(async services =>
    {
        var input = new DestinationInput
        {
            Name = "hostile " + Guid.NewGuid().ToString("N")[..8],
            ServerName = "127.0.0.1",
            Port = port.ToString(CultureInfo.InvariantCulture),
            TlsMode = TlsMode.Disable,
            Username = "hostile",
            Database = "postgres",
            TimeoutSeconds = timeoutSeconds.ToString(CultureInfo.InvariantCulture),
        };
        return (await services.GetRequiredService<DestinationService>().CreateAsync(input)).Id!.Value;
    });
}
