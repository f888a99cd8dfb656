using System.Diagnostics;
using DestinationPortal.Core.Access;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using DestinationPortal.IntegrationTests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static DestinationPortal.IntegrationTests.ConnectionTesting.TesterHarness;

namespace DestinationPortal.IntegrationTests.Store;

/// <summary>
/// Issue 14: the test caps hold across two portal instances on one PostgreSQL store ("TestLeases"), and a lease whose
/// instance died frees itself. Admitted runs hold a real socket to a listener that never answers, so a run holds its
/// slot for as long as the test keeps it going.
/// </summary>
[Collection(PostgreSqlTestGroup.Name)]
public sealed class SharedTestCapTests(PostgreSqlServers servers) : IAsyncLifetime
{
    private const string Password = "Shared-cap-canary-1";

    private readonly List<PortalApp> _apps = [];
    private string _store = null!;

    public async Task InitializeAsync() => _store = await PostgreSqlStoreDatabase.CreateWithServerDefaultsAsync(servers.NoTls);

    public async Task DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task BurstOfStartsOnTwoInstances_AdmitsExactlyTheOverallCap()
    {
        var (a, b) = (Instance(total: 3, perUser: 20), Instance(total: 3, perUser: 20));
        // Started one after the other before the burst, so that the burst races admissions, not the hosts' start-ups.
        _ = a.Services;
        _ = b.Services;
        await using var silent = FakeServer.Silent();
        var destination = Destination(silent.Port, "loader", timeoutSeconds: 30);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var starts = Enumerable.Range(0, 20).Select(i => Start(i % 2 == 0 ? a : b, PortalApp.AdminName, destination, stop.Token)).ToList();
        var admitted = await Task.WhenAll(starts.Select(s => s.Admitted));

        Assert.Equal(3, admitted.Count(x => x));
        Assert.Equal(3, await CountLeasesAsync());
        await stop.CancelAsync();
        await Task.WhenAll(starts.Select(s => s.Finished));
        // Every run gave its lease back when it ended.
        Assert.Equal(0, await CountLeasesAsync());
    }

    [Fact]
    public async Task PerUserCap_HoldsAcrossInstances_OtherUsersStillAdmitted()
    {
        var (a, b) = (Instance(total: 10, perUser: 2), Instance(total: 10, perUser: 2));
        await a.CreateUserAsync("alice", PortalRole.Editor);
        await a.CreateUserAsync("bob", PortalRole.Editor);
        await using var silent = FakeServer.Silent();
        var destination = Destination(silent.Port, "loader", timeoutSeconds: 30);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var starts = new List<(Task<bool> Admitted, Task Finished)>();

        try
        {
            starts.Add(Start(a, "alice", destination, stop.Token));
            starts.Add(Start(b, "alice", destination, stop.Token));
            Assert.True(await starts[0].Admitted);
            Assert.True(await starts[1].Admitted);

            // Alice has one run on each instance: neither instance alone has reached her cap of 2.
            starts.Add(Start(a, "alice", destination, stop.Token));
            starts.Add(Start(b, "alice", destination, stop.Token));
            starts.Add(Start(b, "bob", destination, stop.Token));

            Assert.False(await starts[2].Admitted);
            Assert.False(await starts[3].Admitted);
            Assert.True(await starts[4].Admitted);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(starts.Select(s => s.Finished));
        }
    }

    [Fact]
    public async Task LeaseOfAKilledInstance_CountsUntilItExpires_ThenANewStartIsAdmitted()
    {
        var app = Instance(total: 1, perUser: 1);
        _ = app.Services;
        // Written as an instance that died mid-test leaves it: nobody will ever delete it.
        var orphan = Guid.NewGuid();
        await ExecuteAsync("""INSERT INTO "TestLeases" ("Id", "UserName", "ExpiresAt") VALUES ($1, 'ghost', now() + interval '10 minutes')""", orphan);
        var destination = Destination(FreePort.Next(), "loader");

        var whileLive = await RunAsync(app, destination);
        Assert.Equal(ConnectionTestCategory.Busy, Outcome(whileLive).Category);

        await ExecuteAsync("""UPDATE "TestLeases" SET "ExpiresAt" = now() - interval '1 second' WHERE "Id" = $1""", orphan);
        var afterExpiry = await RunAsync(app, destination);

        // Admitted: the run got as far as the refused TCP connection, and the expired lease is gone.
        Assert.Equal(ConnectionTestCategory.Network, Outcome(afterExpiry).Category);
        Assert.Equal(ConnectionTestStage.TcpConnection, Outcome(afterExpiry).ProblemStage);
        Assert.Equal(0, await CountLeasesAsync());
    }

    [Fact]
    public async Task AdmissionThatTheStoreHoldsUp_EndsBusyByTheRunsDeadline()
    {
        var app = Instance(total: 5, perUser: 5, margin: 1);
        _ = app.Services;
        // Another session holds the admission lock, as a store too slow to answer would hold every admission.
        await using var holder = new NpgsqlConnection(_store);
        await holder.OpenAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock($1)", holder) { Parameters = { new() { Value = PostgresConnectionTestGate.AdmissionKey } } })
        {
            await take.ExecuteNonQueryAsync();
        }

        var clock = Stopwatch.StartNew();
        var events = await RunAsync(app, Destination(FreePort.Next(), "loader", timeoutSeconds: 1));

        Assert.Equal(ConnectionTestCategory.Busy, Outcome(events).Category);
        Assert.Contains("did not answer in time", Outcome(events).Explanation, StringComparison.Ordinal);
        // Timeout 1 s + margin 1 s, and some grace for a loaded machine.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"Admission held the run {clock.Elapsed.TotalMilliseconds:0} ms.");
        Assert.Equal(0, await CountLeasesAsync());
    }

    private PortalApp Instance(int total, int perUser, int margin = 2)
    {
        var settings = new Dictionary<string, string?>(PostgreSqlStoreDatabase.Settings(_store))
        {
            ["ConnectionTesting:MaxConcurrentTests"] = total.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ConnectionTesting:MaxConcurrentTestsPerUser"] = perUser.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ConnectionTesting:DeadlineMarginSeconds"] = margin.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var app = new PortalApp(settings);
        _apps.Add(app);
        return app;
    }

    /// <summary>
    /// Starts a run as <paramref name="user"/> on <paramref name="app"/>. Admitted turns true once the run holds its
    /// connection, false when it is turned away as Busy; Finished completes when the run has ended.
    /// </summary>
    private static (Task<bool> Admitted, Task Finished) Start(PortalApp app, string user, DestinationDefinition destination, CancellationToken stop)
    {
        var admitted = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var finished = Task.Run(async () =>
        {
            try
            {
                await app.WithScopeAsync(async services =>
                {
                    await foreach (var item in services.GetRequiredService<IConnectionTester>().RunAsync(new ConnectionTestRequest(Guid.NewGuid(), destination, Password), stop))
                    {
                        if (item is { Stage: ConnectionTestStage.TcpConnection, Status: ConnectionTestStatus.Succeeded })
                        {
                            admitted.TrySetResult(true);
                        }
                        else if (item.Stage == ConnectionTestStage.Result)
                        {
                            admitted.TrySetResult(item.Outcome!.Category != ConnectionTestCategory.Busy);
                        }
                    }

                    return true;
                }, user);
            }
            catch (Exception ex)
            {
                admitted.TrySetException(ex);
                throw;
            }
        }, CancellationToken.None);
        return (admitted.Task.WaitAsync(TimeSpan.FromSeconds(45), CancellationToken.None), finished);
    }

    private static Task<IReadOnlyList<ConnectionTestEvent>> RunAsync(PortalApp app, DestinationDefinition destination) =>
        app.WithScopeAsync(async services =>
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var events = new List<ConnectionTestEvent>();
            await foreach (var item in services.GetRequiredService<IConnectionTester>().RunAsync(new ConnectionTestRequest(Guid.NewGuid(), destination, Password), limit.Token))
            {
                events.Add(item);
            }

            AssertWellFormed(events, Password);
            return (IReadOnlyList<ConnectionTestEvent>)events;
        });

    private async Task<long> CountLeasesAsync()
    {
        await using var connection = new NpgsqlConnection(_store);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT count(*) FROM "TestLeases" """, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql, Guid id)
    {
        await using var connection = new NpgsqlConnection(_store);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = id } } };
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
