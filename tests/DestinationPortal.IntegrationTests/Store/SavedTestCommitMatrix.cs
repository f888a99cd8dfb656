using System.Data.Common;
using System.Runtime.CompilerServices;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.IntegrationTests.Store;

public sealed class SavedTestCommitsOnSqliteTests : SavedTestCommitContract
{
    protected override Task<PortalStore> CreateStoreAsync() => PortalStore.SqliteAsync();
}

[Collection(PostgreSqlTestGroup.Name)]
public sealed class SavedTestCommitsOnPostgreSqlTests(PostgreSqlServers servers) : SavedTestCommitContract
{
    protected override Task<PortalStore> CreateStoreAsync() => PortalStore.PostgreSqlAsync(servers.NoTls);
}

/// <summary>
/// Issue 16: a saved destination's test writes its run, the destination's last test and its audit row in one commit
/// (each commit is an fsync on SQLite, a WAL flush on PostgreSQL), the history's trim included. Commits are counted at
/// the database: committed transactions plus writes sent outside one (autocommit). The network part is a fake tester
/// that passes at once.
/// </summary>
public abstract class SavedTestCommitContract : StoreContract
{
    private readonly CommitCounter _commits = new();
    private StoreInstance? _counted;

    private StoreInstance Counted => _counted ??= Store.StartInstance(User, services =>
    {
        services.AddSingleton<IConnectionTester, PassingTester>();
        services.ConfigureDbContext<PortalDbContext>(options => options.AddInterceptors(_commits.Commands, _commits.Transactions));
    });

    [Fact]
    public async Task TestSaved_StoredDestination_WritesRunLastTestAndAuditInOneCommit()
    {
        var id = (await Service.CreateAsync(Input("warehouse"))).Id!.Value;
        _commits.Reset();

        var result = (await DrainAsync(Counted.Get<DestinationTestRunner>().TestSavedAsync(id)))[^1];

        Assert.True(result.Outcome!.Succeeded);
        Assert.Equal(1, _commits.Count);
        await using var db = await Instance.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var run = Assert.Single(await db.TestRuns.Where(r => r.DestinationId == id).ToListAsync());
        Assert.Equal(result.RunId, run.Id);
        Assert.Equal(LastTestStatus.Passed, (await db.Destinations.SingleAsync(d => d.Id == id)).LastTestStatus);
        var audit = Assert.Single(await db.AuditEntries.Where(a => a.Action == AuditActions.DestinationTested).ToListAsync());
        Assert.Equal((id, AuditOutcomes.Succeeded), (audit.DestinationId, audit.Outcome));
    }

    [Fact]
    public async Task TestSaved_HistoryFull_TrimsItInTheSameCommit()
    {
        var id = (await Service.CreateAsync(Input("warehouse"))).Id!.Value;
        var history = Instance.Get<ConnectionTestHistory>();
        var oldest = DateTime.UtcNow.AddHours(-1);
        for (var i = 0; i < ConnectionTestHistory.RunsKept; i++)
        {
            await history.RecordAsync(new ConnectionTestRunRecord
            {
                Id = Guid.CreateVersion7(), DestinationId = id, StartedAtUtc = oldest.AddSeconds(i), StartedBy = "alice",
                Target = "db.example.test:5432", Succeeded = true, Explanation = "ok", ReportText = "",
            });
        }

        _commits.Reset();

        var result = (await DrainAsync(Counted.Get<DestinationTestRunner>().TestSavedAsync(id)))[^1];

        Assert.Equal(1, _commits.Count);
        var kept = await history.LatestAsync(id);
        Assert.Equal(ConnectionTestHistory.RunsKept, kept.Count);
        Assert.Equal(result.RunId, kept[0].Id);
        await using var db = await Instance.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(ConnectionTestHistory.RunsKept, await db.TestRuns.CountAsync(r => r.DestinationId == id));
        Assert.False(await db.TestRuns.AnyAsync(r => r.StartedAtUtc == oldest));
    }

    [Fact]
    public async Task TestSaved_DestinationDeletedDuringTheRun_StillWritesTheAuditRow()
    {
        var id = (await Service.CreateAsync(Input("warehouse"))).Id!.Value;
        var runner = Counted.Get<DestinationTestRunner>();
        var events = runner.TestSavedAsync(id).GetAsyncEnumerator();
        Assert.True(await events.MoveNextAsync());
        Assert.True(await Service.DeleteAsync(id));

        while (await events.MoveNextAsync())
        {
        }

        await events.DisposeAsync();
        await using var db = await Instance.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.False(await db.TestRuns.AnyAsync(r => r.DestinationId == id));
        var audit = Assert.Single(await db.AuditEntries.Where(a => a.Action == AuditActions.DestinationTested).ToListAsync());
        Assert.Equal((id, AuditOutcomes.Succeeded), (audit.DestinationId, audit.Outcome));
    }

    // The start-up warm-up (FirstUseWarmUp) runs a saved test's statements on a real destination: they must all be
    // rolled back, on both stores.
    [Fact]
    public async Task WarmUp_RunsTheSaveAndRollsItBack_NothingCommittedOrChanged()
    {
        var id = (await Service.CreateAsync(Input("warehouse"))).Id!.Value;
        await DrainAsync(Counted.Get<DestinationTestRunner>().TestSavedAsync(id));
        var before = await SnapshotAsync(id);
        _commits.Reset();

        await Counted.Get<ConnectionTestHistory>().WarmUpAsync(DateTime.UtcNow.AddHours(1), CancellationToken.None);

        Assert.Equal(0, _commits.Count);
        Assert.Equal(before, await SnapshotAsync(id));
    }

    private async Task<string> SnapshotAsync(Guid id)
    {
        await using var db = await Instance.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var destination = await db.Destinations.AsNoTracking().SingleAsync(d => d.Id == id);
        var runs = await db.TestRuns.AsNoTracking().Where(r => r.DestinationId == id).Select(r => r.Id).ToListAsync();
        var audit = await db.AuditEntries.AsNoTracking().CountAsync();
        return $"{destination.LastTestStatus} {destination.LastTestAtUtc:O} {destination.Version} {destination.UpdatedAtUtc:O} runs {string.Join(",", runs)} audit {audit}";
    }

    private static async Task<List<ConnectionTestEvent>> DrainAsync(IAsyncEnumerable<ConnectionTestEvent> events)
    {
        var all = new List<ConnectionTestEvent>();
        await foreach (var item in events)
        {
            all.Add(item);
        }

        return all;
    }

    /// <summary>One stage, then a passing Result: enough for the runner to record a run.</summary>
    private sealed class PassingTester : IConnectionTester
    {
        public async IAsyncEnumerable<ConnectionTestEvent> RunAsync(ConnectionTestRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            yield return new(request.Id, ConnectionTestStage.NameResolution, ConnectionTestStatus.Succeeded, "resolved", [], 1);
            yield return new(request.Id, ConnectionTestStage.Result, ConnectionTestStatus.Succeeded, "ok", [], 2,
                new ConnectionTestOutcome(true, null, null, "ok", null, null, 2));
        }
    }

    /// <summary>Commits as the database sees them: committed transactions, and writes that ran outside any transaction.</summary>
    private sealed class CommitCounter
    {
        private int _count;

        public CommitCounter()
        {
            Commands = new CommandSide(this);
            Transactions = new TransactionSide(this);
        }

        public int Count => Volatile.Read(ref _count);

        public IInterceptor Commands { get; }

        public IInterceptor Transactions { get; }

        public void Reset() => Volatile.Write(ref _count, 0);

        private void Autocommit(DbCommand command)
        {
            var sql = command.CommandText.TrimStart();
            if (command.Transaction is null && (sql.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase)
                || sql.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase) || sql.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase)))
            {
                Interlocked.Increment(ref _count);
            }
        }

        private sealed class CommandSide(CommitCounter counter) : DbCommandInterceptor
        {
            public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
            {
                counter.Autocommit(command);
                return ValueTask.FromResult(result);
            }

            public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
            {
                counter.Autocommit(command);
                return ValueTask.FromResult(result);
            }
        }

        private sealed class TransactionSide(CommitCounter counter) : DbTransactionInterceptor
        {
            public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
            {
                Interlocked.Increment(ref counter._count);
                return Task.CompletedTask;
            }
        }
    }
}
