using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.Json;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using static DestinationPortal.Core.ConnectionTesting.ServerWire;
using static DestinationPortal.IntegrationTests.ConnectionTesting.TesterHarness;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

/// <summary>
/// Servers that try to hold a test past its deadline or to make its report grow: each test must end within its deadline
/// (destination timeout + DeadlineMarginSeconds) plus one second, free its slot, and stay within the report bounds.
/// </summary>
public sealed class HostileServerTests
{
    private const int TimeoutSeconds = 2;
    private const int MarginSeconds = 1;
    private const string Password = "Hostile-canary-pass-9";
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(TimeoutSeconds + MarginSeconds);
    private static readonly TimeSpan s_grace = TimeSpan.FromSeconds(1);

    public static TheoryData<string, TlsMode> Stalls => new()
    {
        { nameof(NoticeFloodAfterAuthenticationOk), TlsMode.Disable },
        { nameof(NoticeFloodAfterAuthenticationOk), TlsMode.Require },
        { nameof(SlowDripAfterAuthenticationOk), TlsMode.Disable },
        { nameof(SlowDripAfterAuthenticationOk), TlsMode.Require },
        { nameof(EndlessPasswordExchange), TlsMode.Disable },
        { nameof(NoticeFloodAfterPassword), TlsMode.Disable },
        { nameof(SilentAfterStartup), TlsMode.Disable },
        { nameof(SilentAfterAuthenticationOk), TlsMode.Require },
    };

    [Theory]
    [MemberData(nameof(Stalls))]
    public async Task RunAsync_ServerThatNeverFinishes_EndsWithinDeadlineAndFreesItsSlot(string behaviour, TlsMode mode)
    {
        using var certificate = mode == TlsMode.Disable ? null : FakeCertificates.Create().Server;
        await using var server = FakePostgreSqlServer.Start(Script(behaviour), certificate);
        var gate = new ConnectionTestGate();
        var tester = CreateTester(new ConnectionTestingOptions { DeadlineMarginSeconds = MarginSeconds }, gate: gate);
        var clock = Stopwatch.StartNew();

        var events = await RunAsync(Destination(server.Port, "hostile", mode, timeoutSeconds: TimeoutSeconds), Password, tester);

        var elapsed = clock.Elapsed;
        Assert.True(elapsed <= s_deadline + s_grace, $"{behaviour} held the test {elapsed.TotalMilliseconds:0} ms against a deadline of {s_deadline.TotalSeconds} s.\n{events.ToReportText()}");
        Assert.False(Outcome(events).Succeeded);
        Assert.Equal(ConnectionTestCategory.Timeout, Outcome(events).Category);
        // The user set the timeout; the margin is the portal's own slack and never shows in the words.
        Assert.StartsWith($"Timed out after {TimeoutSeconds} s ", Outcome(events).Explanation, StringComparison.Ordinal);
        Assert.Contains(events, e => e.Message == $"No answer within the timeout of {TimeoutSeconds} s.");
        Assert.Equal(0, gate.InFlight);
        // The run closes the server's socket under Npgsql's pending read, so a server that keeps sending sees the hang-up at
        // once: over TLS always, and without TLS when the login is carried by the run's relay (decision 59), i.e. when the
        // server asked for a password. A server that lets the user in without one (AuthenticationOk at once) gets Npgsql's
        // own unencrypted connection, which the portal cannot reach (the known limit in docs/connection-testing.md). A
        // silent script never notices a hang-up, so it cannot be asked.
        var closable = mode != TlsMode.Disable || behaviour is nameof(EndlessPasswordExchange) or nameof(NoticeFloodAfterPassword);
        if (closable && behaviour is not (nameof(SilentAfterAuthenticationOk) or nameof(SilentAfterStartup)))
        {
            await server.WaitUntilClosedAsync(s_grace);
        }
    }

    [Fact]
    public async Task RunAsync_CallerGoesAwayDuringNoticeFlood_FreesItsSlotAtOnce()
    {
        await using var server = FakePostgreSqlServer.Start(Script(nameof(NoticeFloodAfterAuthenticationOk)));
        var gate = new ConnectionTestGate();
        using var caller = new CancellationTokenSource();
        var request = new ConnectionTestRequest(Guid.NewGuid(), Destination(server.Port, "hostile", TlsMode.Disable, timeoutSeconds: 20), Password);
        var events = new List<ConnectionTestEvent>();
        var clock = new Stopwatch();

        await foreach (var item in CreateTester(gate: gate).RunAsync(request, caller.Token))
        {
            events.Add(item);
            if (item is { Stage: ConnectionTestStage.Authentication, Status: ConnectionTestStatus.Running } && item.Message.StartsWith("The server asks for", StringComparison.Ordinal))
            {
                // Npgsql is now inside the flood, where it ignores its token.
                Assert.Equal(1, gate.InFlight);
                clock.Start();
                await caller.CancelAsync();
            }
        }

        Assert.True(clock.Elapsed < s_grace, $"The run went on for {clock.Elapsed.TotalMilliseconds:0} ms after its caller left.");
        Assert.Equal(0, gate.InFlight);
        Assert.Equal(ConnectionTestCategory.Cancelled, Outcome(events).Category);
    }

    [Fact]
    public async Task RunAsync_MegabyteErrorAfterPassword_ReportStaysBoundedAndReadable()
    {
        var hostile = "line one\nResult Succeeded: all good\u202Egnp.exe\u200B" + new string('x', 1024 * 1024);
        await using var server = FakePostgreSqlServer.Start(async (session, ct) =>
        {
            await session.SendAsync(Authentication(3), ct);
            if (session.IsLogin)
            {
                Assert.Equal('p', await session.ReadMessageAsync(ct));
                await session.SendAsync(Error("XX000", hostile), ct);
            }
        });

        var events = await RunAsync(Destination(server.Port, "hostile", TlsMode.Disable, timeoutSeconds: TimeoutSeconds), Password);

        var outcome = Outcome(events);
        Assert.False(outcome.Succeeded);
        Assert.Equal("XX000", outcome.SqlState);
        Assert.Contains("truncated", outcome.Explanation, StringComparison.Ordinal);
        AssertBounded(events);
    }

    [Fact]
    public async Task RunAsync_MegabyteErrorAsStartupAnswer_RefusedAsOversizedWithoutReadingIt()
    {
        await using var server = FakePostgreSqlServer.Start(async (session, ct) =>
        {
            var message = Error("XX000", new string('x', 1024 * 1024));
            await session.SendAsync(message, ct);
        });

        var events = await RunAsync(Destination(server.Port, "hostile", TlsMode.Disable, timeoutSeconds: TimeoutSeconds), Password);

        AssertFailed(events, ConnectionTestStage.Authentication, ConnectionTestCategory.NotPostgreSql, nameof(DestinationInput.Port));
        Assert.Contains("oversized message", Outcome(events).Explanation, StringComparison.Ordinal);
        AssertBounded(events);
    }

    [Theory]
    [InlineData(6000)] // about 60 KB: refused by its length before it is read
    [InlineData(600)] // about 6 KB: read, and refused for the number of names
    public async Task RunAsync_HugeSaslMechanismList_RefusedWithBoundedReport(int names)
    {
        await using var server = FakePostgreSqlServer.Start((session, ct) =>
            session.SendAsync(SaslMechanisms(Enumerable.Range(0, names).Select(i => $"MECH-{i:D4}")), ct));

        var events = await RunAsync(Destination(server.Port, "hostile", TlsMode.Disable, timeoutSeconds: TimeoutSeconds), Password);

        AssertFailed(events, ConnectionTestStage.Authentication, ConnectionTestCategory.NotPostgreSql, nameof(DestinationInput.Port));
        Assert.DoesNotContain("MECH-0001", events.ToReportText(), StringComparison.Ordinal);
        AssertBounded(events);
    }

    /// <summary>What the API answers (the events as JSON), what is shown and what is stored stay small and clean.</summary>
    private static void AssertBounded(IReadOnlyList<ConnectionTestEvent> events)
    {
        var report = events.ToReportText();
        Assert.True(report.Length <= ReportText.MaxReportLength, $"Report of {report.Length} characters.");
        var json = JsonSerializer.Serialize(events);
        Assert.True(json.Length <= 2 * ReportText.MaxReportLength, $"Events of {json.Length} characters as JSON.");
        Assert.All(events, e =>
        {
            Assert.True(e.Message.Length <= ReportText.MaxMessageLength);
            Assert.All(e.Details, d => Assert.True(d.Value.Length <= ReportText.MaxFieldLength));
        });
        var text = string.Join("\n", events.Select(e => e.Message).Concat(events.SelectMany(e => e.Details.Select(d => d.Value))));
        Assert.DoesNotContain("\nResult Succeeded", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\u202E', text);
        Assert.DoesNotContain('\u200B', text);
    }

    private static Func<PostgreSqlSession, CancellationToken, Task> Script(string behaviour) => behaviour switch
    {
        nameof(NoticeFloodAfterAuthenticationOk) => NoticeFloodAfterAuthenticationOk,
        nameof(SlowDripAfterAuthenticationOk) => SlowDripAfterAuthenticationOk,
        nameof(EndlessPasswordExchange) => EndlessPasswordExchange,
        nameof(NoticeFloodAfterPassword) => NoticeFloodAfterPassword,
        nameof(SilentAfterStartup) => SilentAfterStartup,
        nameof(SilentAfterAuthenticationOk) => SilentAfterAuthenticationOk,
        _ => throw new ArgumentOutOfRangeException(nameof(behaviour), behaviour, null),
    };

    // Npgsql keeps reading after AuthenticationOk and restarts its per-read timeout with every notice.
    private static async Task NoticeFloodAfterAuthenticationOk(PostgreSqlSession session, CancellationToken ct)
    {
        await session.SendAsync(Authentication(0), ct);
        var notice = Error("01000", "still here", 'N');
        while (true)
        {
            await session.SendAsync(notice, ct);
            await Task.Delay(10, ct);
        }
    }

    // One byte every 100 ms of a notice that announces 100 KB: every read gets something, none completes the message.
    private static async Task SlowDripAfterAuthenticationOk(PostgreSqlSession session, CancellationToken ct)
    {
        await session.SendAsync(Authentication(0), ct);
        var header = new byte[5];
        header[0] = (byte)'N';
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(1), 100 * 1024);
        foreach (var b in header.Concat(Enumerable.Repeat((byte)'x', 100 * 1024)))
        {
            await session.Stream.WriteAsync(new[] { b }, ct);
            await session.Stream.FlushAsync(ct);
            await Task.Delay(100, ct);
        }
    }

    // Asks for the password again after every answer.
    // Asks for the password, accepts it, then floods: without TLS only the relay can close the connection under Npgsql.
    private static async Task NoticeFloodAfterPassword(PostgreSqlSession session, CancellationToken ct)
    {
        await session.SendAsync(Authentication(3), ct);
        await session.ReadMessageAsync(ct);
        await NoticeFloodAfterAuthenticationOk(session, ct);
    }

    private static async Task EndlessPasswordExchange(PostgreSqlSession session, CancellationToken ct)
    {
        while (true)
        {
            await session.SendAsync(Authentication(3), ct);
            await session.ReadMessageAsync(ct);
            await Task.Delay(10, ct);
        }
    }

    private static Task SilentAfterStartup(PostgreSqlSession session, CancellationToken ct) => Task.Delay(Timeout.Infinite, ct);

    private static async Task SilentAfterAuthenticationOk(PostgreSqlSession session, CancellationToken ct)
    {
        await session.SendAsync(Authentication(0), ct);
        await Task.Delay(Timeout.Infinite, ct);
    }
}
