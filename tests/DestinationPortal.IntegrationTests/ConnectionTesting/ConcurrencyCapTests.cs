using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using static DestinationPortal.IntegrationTests.ConnectionTesting.TesterHarness;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

/// <summary>
/// ConnectionTesting:MaxConcurrentTests across users, with real testers holding real sockets to a listener that never
/// answers: a run holds its slot for as long as it holds its connection.
/// </summary>
public sealed class ConcurrencyCapTests
{
    private const string Password = "Cap-canary-pass-2";

    [Fact]
    public async Task RunAsync_GlobalCapReachedByOtherUsers_ReturnsBusyAtOnceUntilACancelledRunFreesItsSlot()
    {
        await using var silent = FakeServer.Silent();
        var gate = new ConnectionTestGate();
        var options = new ConnectionTestingOptions { MaxConcurrentTests = 2, MaxConcurrentTestsPerUser = 2 };
        // Without TLS the login does not start beside the probe, so each run holds exactly one connection and the accept
        // count tells the runs apart.
        var destination = Destination(silent.Port, "loader", TlsMode.Disable, timeoutSeconds: 30);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var runs = new List<(CancellationTokenSource Cancel, IAsyncEnumerator<ConnectionTestEvent> Events)>();

        async Task<IAsyncEnumerator<ConnectionTestEvent>> HoldSlotAsync(string user)
        {
            var cancel = CancellationTokenSource.CreateLinkedTokenSource(limit.Token);
            var events = CreateTester(options, gate: gate, user: user)
                .RunAsync(new ConnectionTestRequest(Guid.NewGuid(), destination, Password), cancel.Token)
                .GetAsyncEnumerator(CancellationToken.None);
            runs.Add((cancel, events));
            await ReadUntilAsync(events, e => e is { Stage: ConnectionTestStage.TcpConnection, Status: ConnectionTestStatus.Succeeded });
            return events;
        }

        try
        {
            var alice = await HoldSlotAsync("alice");
            await HoldSlotAsync("bob");
            await silent.WaitForAcceptedAsync(2);

            // Carol has nothing running, so only the portal-wide cap can refuse her.
            var carol = await RunAsync(destination, Password, CreateTester(options, gate: gate, user: "carol"));

            var busy = Assert.Single(carol);
            Assert.Equal(ConnectionTestCategory.Busy, busy.Outcome!.Category);
            Assert.Null(busy.Outcome.ProblemStage);
            Assert.Contains("Too many connection tests are running", busy.Outcome.Explanation, StringComparison.Ordinal);
            Assert.Contains("2 in total", busy.Outcome.Explanation, StringComparison.Ordinal);
            Assert.Equal(2, gate.InFlight);

            await runs[0].Cancel.CancelAsync();
            var aliceResult = await ReadUntilAsync(alice, e => e.Stage == ConnectionTestStage.Result);
            Assert.Equal(ConnectionTestCategory.Cancelled, aliceResult.Outcome!.Category);
            Assert.Equal(1, gate.InFlight);

            await HoldSlotAsync("carol");
            // Busy runs open no socket: the accept queue is first in, first out, so carol's second try is the third.
            await silent.WaitForAcceptedAsync(3);
            Assert.Equal(3, silent.Accepted);
            var dave = await RunAsync(destination, Password, CreateTester(options, gate: gate, user: "dave"));
            Assert.Equal(ConnectionTestCategory.Busy, Outcome(dave).Category);
        }
        finally
        {
            foreach (var (cancel, events) in runs)
            {
                await cancel.CancelAsync();
                await events.DisposeAsync();
                cancel.Dispose();
            }
        }

        Assert.Equal(0, gate.InFlight);
    }

    [Fact]
    public async Task RunAsync_RunThatEnded_FreesItsSlotForTheNextUser()
    {
        var gate = new ConnectionTestGate();
        var options = new ConnectionTestingOptions { MaxConcurrentTests = 1, MaxConcurrentTestsPerUser = 1 };
        var destination = Destination(FreePort.Next(), "loader");

        foreach (var user in new[] { "alice", "bob", "alice" })
        {
            var events = await RunAsync(destination, Password, CreateTester(options, gate: gate, user: user));

            // Each run gets as far as the refused TCP connection: none is turned away as Busy by the one before it.
            Assert.Equal(ConnectionTestCategory.Network, Outcome(events).Category);
            Assert.Equal(ConnectionTestStage.TcpConnection, Outcome(events).ProblemStage);
            Assert.Equal(0, gate.InFlight);
        }
    }


    private static async Task<ConnectionTestEvent> ReadUntilAsync(IAsyncEnumerator<ConnectionTestEvent> events, Func<ConnectionTestEvent, bool> condition)
    {
        while (await events.MoveNextAsync())
        {
            if (condition(events.Current))
            {
                return events.Current;
            }
        }

        throw new InvalidOperationException("The run ended before the expected event.");
    }
}
