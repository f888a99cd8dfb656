using System.Data.Common;
using System.Threading.Channels;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Persistence;
using DestinationPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace DestinationPortal.Tests.ConnectionTesting;

/// <summary>
/// How a run reaches its watchers: recorded first, then published through a channel per watcher, so a watcher can
/// neither hold up nor fail a run, and the caller that started it is not sent it back. Real runner, broadcaster,
/// history and audit over SQLite; the network part is a scripted tester.
/// </summary>
public sealed class LiveTestEventTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private readonly TestPortal _portal = new();
    private readonly ScriptedConnectionTester _tester = new();
    private readonly HeldHistoryWrites _historyWrites = new();
    private readonly ServiceProvider _provider;
    private readonly IServiceScope _scope;

    public LiveTestEventTests()
    {
        var services = new ServiceCollection();
        _portal.AddPortalServices(services);
        services.AddSingleton<IConnectionTester>(_tester);
        services.ConfigureDbContext<PortalDbContext>(options => options.AddInterceptors(_historyWrites));
        _provider = services.BuildServiceProvider();
        _scope = _provider.CreateScope();
    }

    public void Dispose()
    {
        _scope.Dispose();
        _provider.Dispose();
        _portal.Dispose();
    }

    private ConnectionTestBroadcaster Broadcaster => _provider.GetRequiredService<ConnectionTestBroadcaster>();

    private DestinationTestRunner Runner() => _scope.ServiceProvider.GetRequiredService<DestinationTestRunner>();

    private async Task<Guid> SeedAsync()
    {
        using var session = _portal.Start();
        var input = new DestinationInput { Name = "warehouse", ServerName = "db.example.test", Username = "loader", Database = "sales", Password = "secret" };
        return (await session.Get<DestinationService>().CreateAsync(input)).Id!.Value;
    }

    private async Task<List<AuditEntry>> TestAuditsAsync(Guid id)
    {
        await using var db = await _provider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.Where(a => a.Action == AuditActions.DestinationTested && a.DestinationId == id).ToListAsync();
    }

    [Fact]
    public async Task Run_WatcherThatNeverReturns_RunCompletesAndIsRecorded()
    {
        var id = await SeedAsync();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource();
        using var stuck = Broadcaster.Subscribe(id, origin: null, _ =>
        {
            entered.TrySetResult();
            return never.Task;
        });

        var running = DrainAsync(Runner().TestSavedAsync(id));
        (await _tester.NextRunAsync()).SucceedAllStages();
        var events = await running.WaitAsync(Limit);

        await entered.Task.WaitAsync(Limit);
        Assert.True(events[^1].Outcome!.Succeeded);
        var run = Assert.Single(await _provider.GetRequiredService<ConnectionTestHistory>().LatestAsync(id));
        Assert.Equal(events[0].RunId, run.Id);
        Assert.Equal(AuditOutcomes.Succeeded, Assert.Single(await TestAuditsAsync(id)).Outcome);
    }

    [Fact]
    public async Task Run_Failed_AuditRowSaysStageAndCategoryInWords()
    {
        var id = await SeedAsync();

        var running = DrainAsync(Runner().TestSavedAsync(id));
        var run = await _tester.NextRunAsync();
        run.Send(ConnectionTestStage.Tls, ConnectionTestStatus.Failed, "Not a PostgreSQL server.");
        run.Finish(new ConnectionTestOutcome(false, ConnectionTestStage.Tls, ConnectionTestCategory.NotPostgreSql, "Check Port.", "Port", null, 9));
        await running.WaitAsync(Limit);

        Assert.Equal("Failed: TLS (Not PostgreSQL)", Assert.Single(await TestAuditsAsync(id)).Outcome);
    }

    [Fact]
    public async Task Run_Result_IsAnnouncedOnlyOnceTheRunIsRecorded()
    {
        var id = await SeedAsync();
        var watcher = new Watcher();
        using var subscription = Broadcaster.Subscribe(id, origin: null, watcher.TakeAsync);
        _historyWrites.Hold();

        var running = DrainAsync(Runner().TestSavedAsync(id));
        (await _tester.NextRunAsync()).SucceedAllStages();
        await _historyWrites.Reached.WaitAsync(Limit);
        // Published while the run's history row is still being written: whatever was announced before is ahead of it.
        var marker = new ConnectionTestEvent(Guid.NewGuid(), ConnectionTestStage.NameResolution, ConnectionTestStatus.Running, "marker", [], 1);
        Broadcaster.Publish(new LiveTestEvent(id, "bob", marker, "elsewhere"));

        LiveTestEvent seen;
        do
        {
            seen = await watcher.NextAsync();
            Assert.Null(seen.Event.Outcome);
        }
        while (!ReferenceEquals(seen.Event, marker));

        _historyWrites.Release();
        var result = await watcher.NextAsync();
        Assert.NotNull(result.Event.Outcome);
        Assert.Contains(await _provider.GetRequiredService<ConnectionTestHistory>().LatestAsync(id), r => r.Id == result.Event.RunId);
        await running.WaitAsync(Limit);
    }

    [Fact]
    public async Task Run_WithAnOrigin_WatchersWithThatOriginGetNoneOfItsEventsOthersGetAll()
    {
        var id = await SeedAsync();
        var mine = new Watcher();
        var other = new Watcher();
        using var mineSubscription = Broadcaster.Subscribe(id, "page-1", mine.TakeAsync);
        using var otherSubscription = Broadcaster.Subscribe(id, "page-2", other.TakeAsync);

        var running = DrainAsync(Runner().TestSavedAsync(id, origin: "page-1"));
        (await _tester.NextRunAsync()).SucceedAllStages();
        var events = await running.WaitAsync(Limit);

        foreach (var sent in events)
        {
            var seen = await other.NextAsync();
            Assert.Equal((sent.RunId, sent.Stage, sent.Status), (seen.Event.RunId, seen.Event.Stage, seen.Event.Status));
            Assert.Equal("alice", seen.StartedBy);
        }

        // A later run from elsewhere is the first thing the origin sees: each watcher's events arrive in order.
        var later = new ConnectionTestEvent(Guid.NewGuid(), ConnectionTestStage.NameResolution, ConnectionTestStatus.Running, "later", [], 1);
        Broadcaster.Publish(new LiveTestEvent(id, "bob", later, "page-3"));
        Assert.Same(later, (await mine.NextAsync()).Event);
    }

    [Fact]
    public async Task Publish_WatcherFarBehind_KeepsItsNewestEventsWhileOthersGetEveryOne()
    {
        var broadcaster = new ConnectionTestBroadcaster(NullLogger<ConnectionTestBroadcaster>.Instance);
        var id = Guid.NewGuid();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slow = new Watcher();
        var fast = new Watcher();
        using var slowSubscription = broadcaster.Subscribe(id, origin: null, async live =>
        {
            entered.TrySetResult();
            await release.Task;
            await slow.TakeAsync(live);
        });
        using var fastSubscription = broadcaster.Subscribe(id, origin: null, fast.TakeAsync);
        const int count = ConnectionTestBroadcaster.SubscriberCapacity * 2 + 1;

        // One at a time, so the watcher that keeps up is never a channel's worth behind itself.
        for (var i = 0; i < count; i++)
        {
            broadcaster.Publish(Numbered(id, i));
            Assert.Equal(i, (await fast.NextAsync()).Event.ElapsedMilliseconds);
        }

        await entered.Task.WaitAsync(Limit);
        release.SetResult();
        var received = new List<long>();
        while (received.LastOrDefault(-1) != count - 1)
        {
            received.Add((await slow.NextAsync()).Event.ElapsedMilliseconds);
        }

        // The one it was handling when it stalled, then at most a channel's worth: the newest, in order.
        Assert.InRange(received.Count, 2, ConnectionTestBroadcaster.SubscriberCapacity + 1);
        Assert.Equal(received.Order(), received);
    }

    [Fact]
    public async Task Run_CallerStopsListeningBeforeTheResult_AuditsAbandonedAndRecordsNoHistory()
    {
        var id = await SeedAsync();

        await using (var events = Runner().TestSavedAsync(id).GetAsyncEnumerator())
        {
            var first = events.MoveNextAsync();
            var run = await _tester.NextRunAsync();
            run.Send(ConnectionTestStage.NameResolution, ConnectionTestStatus.Running, "Resolving db.example.test");
            Assert.True(await first);
        }

        var audit = Assert.Single(await TestAuditsAsync(id));
        Assert.Equal(AuditOutcomes.Abandoned, audit.Outcome);
        Assert.Equal("warehouse", audit.DestinationName);
        Assert.Equal("db.example.test:5432", audit.Target);
        Assert.Empty(await _provider.GetRequiredService<ConnectionTestHistory>().LatestAsync(id));
    }

    private static LiveTestEvent Numbered(Guid id, int number) =>
        new(id, "bob", new ConnectionTestEvent(Guid.Empty, ConnectionTestStage.NameResolution, ConnectionTestStatus.Running, "step", [], number));

    private static async Task<List<ConnectionTestEvent>> DrainAsync(IAsyncEnumerable<ConnectionTestEvent> events)
    {
        var list = new List<ConnectionTestEvent>();
        await foreach (var item in events)
        {
            list.Add(item);
        }

        return list;
    }

    /// <summary>Holds the insert of a test-history row, when told to, until released.</summary>
    private sealed class HeldHistoryWrites : DbCommandInterceptor
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _held;

        /// <summary>Completes when a held insert is waiting.</summary>
        public Task Reached => _reached.Task;

        public void Hold() => _held = true;

        public void Release() => _released.TrySetResult();

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            await WaitIfHeldAsync(command);
            return result;
        }

        public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            await WaitIfHeldAsync(command);
            return result;
        }

        private async Task WaitIfHeldAsync(DbCommand command)
        {
            if (_held && command.CommandText.Contains("INSERT INTO \"TestRuns\"", StringComparison.Ordinal))
            {
                _reached.TrySetResult();
                await _released.Task.WaitAsync(Limit);
            }
        }
    }

    /// <summary>What one subscriber was handed, in order.</summary>
    private sealed class Watcher
    {
        private readonly Channel<LiveTestEvent> _seen = Channel.CreateUnbounded<LiveTestEvent>();

        public Task TakeAsync(LiveTestEvent live)
        {
            _seen.Writer.TryWrite(live);
            return Task.CompletedTask;
        }

        public async Task<LiveTestEvent> NextAsync()
        {
            using var limit = new CancellationTokenSource(Limit);
            return await _seen.Reader.ReadAsync(limit.Token);
        }
    }
}
