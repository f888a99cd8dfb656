using System.Data.Common;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Persistence;
using DestinationPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.Tests.ConnectionTesting;

/// <summary>
/// How often a test run reads the stored destination, counted at the database: the runner needs the saved values and
/// the stored password, and gets both from one query. The network part is a scripted tester.
/// </summary>
public sealed class DestinationTestRunnerTests : IDisposable
{
    private const string Canary = "P@ss-canary-4Wm8r";
    private readonly TestPortal _portal = new();
    private readonly ScriptedConnectionTester _tester = new();
    private readonly DestinationReads _reads = new();
    private readonly ServiceProvider _provider;
    private readonly IServiceScope _scope;

    public DestinationTestRunnerTests()
    {
        var services = new ServiceCollection();
        _portal.AddPortalServices(services);
        services.ConfigureDbContext<PortalDbContext>(options => options.AddInterceptors(_reads));
        services.AddSingleton<IConnectionTester>(_tester);
        _provider = services.BuildServiceProvider();
        _scope = _provider.CreateScope();
    }

    public void Dispose()
    {
        _scope.Dispose();
        _provider.Dispose();
        _portal.Dispose();
    }

    private static DestinationInput Saved() =>
        new() { Name = "warehouse", ServerName = "db.example.test", Username = "loader", Database = "sales" };

    private async Task<Guid> SeedAsync()
    {
        using var session = _portal.Start();
        var input = Saved();
        input.Password = Canary;
        return (await session.Get<DestinationService>().CreateAsync(input)).Id!.Value;
    }

    private DestinationTestRunner Runner() => _scope.ServiceProvider.GetRequiredService<DestinationTestRunner>();

    [Fact]
    public async Task TestAsync_UnchangedSavedDestination_ReadsItOnceAndSendsTheStoredPassword()
    {
        var id = await SeedAsync();

        var running = DrainAsync(Runner().TestAsync(id, Saved()));
        var run = await _tester.NextRunAsync();

        Assert.Equal(1, _reads.Count);
        Assert.Equal(Canary, run.Request.Password);
        run.SucceedAllStages();
        Assert.True((await running)[^1].Outcome!.Succeeded);
    }

    [Fact]
    public async Task TestSavedAsync_StoredDestination_ReadsItOnceAndSendsTheStoredPassword()
    {
        var id = await SeedAsync();

        var running = DrainAsync(Runner().TestSavedAsync(id));
        var run = await _tester.NextRunAsync();

        Assert.Equal(1, _reads.Count);
        Assert.Equal(Canary, run.Request.Password);
        Assert.Equal("db.example.test", run.Request.Destination.ServerName);
        run.SucceedAllStages();
        Assert.True((await running)[^1].Outcome!.Succeeded);
    }

    [Fact]
    public async Task TestAsync_ChangedServerName_RefusesWithoutStartingARun()
    {
        var id = await SeedAsync();
        var input = Saved();
        input.ServerName = "elsewhere.example.test";

        var events = await DrainAsync(Runner().TestAsync(id, input));

        Assert.Equal(nameof(DestinationInput.Password), Assert.Single(events).Outcome!.FieldToFix);
        Assert.True(_tester.NoRunWaiting);
        Assert.Equal(1, _reads.Count);
    }

    [Fact]
    public async Task TestAsync_ChangedTargetUnderGerman_RefusesInGermanAndAuditsInEnglish()
    {
        var id = await SeedAsync();
        var input = Saved();
        input.ServerName = "elsewhere.example.test";
        input.Port = "6543";

        List<ConnectionTestEvent> events;
        using (UiCulture.Use("de-DE"))
        {
            events = await DrainAsync(Runner().TestAsync(id, input));
        }

        var explanation = Assert.Single(events).Outcome!.Explanation;
        Assert.Contains("Servername und Port", explanation, StringComparison.Ordinal);
        Assert.Contains("weichen von der gespeicherten Destination ab, daher wird das gespeicherte Kennwort nicht gesendet.", explanation, StringComparison.Ordinal);
        using var session = _portal.Start();
        await using var db = await session.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var audited = await db.AuditEntries.SingleAsync(e => e.Action == AuditActions.DestinationTested);
        // The audit trail is compared across users and exported: English whatever the tester's language (decision 35).
        Assert.Equal("Refused: password not sent", audited.Outcome);
        // The field names too: the English labels, not the tester's.
        Assert.Equal("Server Name and Port differ from the saved destination, so the saved password is not sent. Type the password to test these settings.", audited.Details);
    }

    [Fact]
    public async Task TestAsync_UnknownDestinationUnderGerman_SaysSoInGerman()
    {
        List<ConnectionTestEvent> events;
        using (UiCulture.Use("de-DE"))
        {
            events = await DrainAsync(Runner().TestSavedAsync(Guid.NewGuid()));
        }

        Assert.Equal("Diese Destination gibt es nicht (sie wurde vielleicht gelöscht).", Assert.Single(events).Outcome!.Explanation);
    }

    private static async Task<List<ConnectionTestEvent>> DrainAsync(IAsyncEnumerable<ConnectionTestEvent> events)
    {
        var list = new List<ConnectionTestEvent>();
        await foreach (var item in events)
        {
            list.Add(item);
        }

        return list;
    }

    /// <summary>Counts queries that read the Destinations table.</summary>
    private sealed class DestinationReads : DbCommandInterceptor
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Observe(command);
            return result;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Observe(command);
            return ValueTask.FromResult(result);
        }

        private void Observe(DbCommand command)
        {
            if (command.CommandText.Contains("FROM \"Destinations\"", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _count);
            }
        }
    }
}
