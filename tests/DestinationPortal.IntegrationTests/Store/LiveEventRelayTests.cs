using System.Diagnostics;
using System.Net;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.IntegrationTests.Api;
using DestinationPortal.IntegrationTests.Hosting;
using DestinationPortal.Web.Api;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DestinationPortal.IntegrationTests.Store;

/// <summary>
/// Issue 14: live test events between two portal instances on one PostgreSQL store through one Redis (a real
/// redis-server, stopped and started again by one test), the way colleagues behind a load balancer watch each other's runs.
/// </summary>
[Collection(PostgreSqlTestGroup.Name)]
public sealed class LiveEventRelayTests(PostgreSqlServers servers, RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private readonly List<PortalApp> _apps = [];
    private readonly List<IDisposable> _subscriptions = [];
    private string _store = null!;

    public async Task InitializeAsync()
    {
        // A test that stopped Redis and failed half-way must not leave the next one without it.
        await redis.StartAsync();
        _store = await PostgreSqlStoreDatabase.CreateWithServerDefaultsAsync(servers.NoTls);
    }

    public async Task DisposeAsync()
    {
        _subscriptions.ForEach(s => s.Dispose());
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }
    }

    private PortalApp Instance()
    {
        var settings = new Dictionary<string, string?>(PostgreSqlStoreDatabase.Settings(_store)) { ["Portal:Redis:Configuration"] = redis.Configuration };
        var app = new PortalApp(settings);
        _apps.Add(app);
        return app;
    }

    /// <summary>A tab-like watcher: the broadcaster subscription a Blazor page takes for the destination it shows.</summary>
    private WatchedEvents Tab(PortalApp app, Guid destinationId)
    {
        var events = new WatchedEvents();
        _subscriptions.Add(app.Services.GetRequiredService<ConnectionTestBroadcaster>().Subscribe(destinationId, "tab-" + Guid.NewGuid(), live => events.Add(live.Event)));
        return events;
    }

    private async Task<Guid> SaveAsync(HttpClient client, string user, string password)
    {
        var body = ApiHelpers.Body(ApiHelpers.UniqueName("relay"), "127.0.0.1", servers.Tls.Port);
        body["username"] = user;
        body["database"] = "postgres";
        body["password"] = password;
        return (await client.CreateAsync(body)).Id;
    }

    private static async Task<ConnectionTestResponse> TestAsync(HttpClient client, Guid id)
    {
        using var response = await client.PostAsync($"/api/destinations/{id}/test", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadAsync<ConnectionTestResponse>();
    }

    [Fact]
    public async Task RunStartedOnA_IsSeenOnBByAHubClientAndATab_EveryEventOnceInOrder()
    {
        var (a, b) = (Instance(), Instance());
        await using var spy = await RedisChannelSpy.StartAsync(redis);
        using var throughA = await a.TokenClientAsync();
        var id = await SaveAsync(throughA, TestRoles.Scram, TestRoles.ScramPassword);
        var onA = Tab(a, id);
        var tabOnB = Tab(b, id);
        var (hub, hubOnB) = await RelayHub.WatchAsync(b, id);
        await using var _ = hub;
        await spy.WaitForSubscribersAsync(3);

        Assert.True((await TestAsync(throughA, id)).Succeeded);
        var firstRun = await onA.UntilResultsAsync(1);
        // A repeated message and a late one (as a reconnect or a second publisher could produce) must not reach anyone twice.
        var sent = await spy.WaitForAsync(messages => messages.Length >= firstRun.Count);
        Assert.Equal(firstRun.Count, sent.Length);
        await spy.PublishAsync(sent[0]);
        await spy.PublishAsync(sent[^1]);
        Assert.True((await TestAsync(throughA, id)).Succeeded);

        var onAll = firstRun.Concat(await onA.UntilResultsAsync(1)).ToList();
        Assert.Equal(2, onAll.Select(e => e.RunId).Distinct().Count());
        Assert.Equal(WatchedEvents.Shape(onAll), WatchedEvents.Shape(await tabOnB.UntilResultsAsync(2)));
        Assert.Equal(WatchedEvents.Shape(onAll), WatchedEvents.Shape(await hubOnB.UntilResultsAsync(2)));
    }

    [Fact]
    public async Task RedisStoppedMidRun_RunEndsInItsTime_LocalWatchersSeeAll_HealthDegradedThenHealthy()
    {
        var (a, b) = (Instance(), Instance());
        using var throughA = await a.TokenClientAsync();
        using var healthOfA = a.CreateClient();
        var id = await SaveAsync(throughA, TestRoles.Scram, TestRoles.ScramPassword);
        var onA = Tab(a, id);
        var onB = Tab(b, id);
        await using (var spy = await RedisChannelSpy.StartAsync(redis))
        {
            await spy.WaitForSubscribersAsync(3);
        }

        Assert.Equal("Healthy", await healthOfA.GetStringAsync("/health"));
        var clock = Stopwatch.StartNew();
        var pulled = await a.WithScopeAsync(async services =>
        {
            // The test pulls the run, so Redis goes away between its first event and the rest: every later event is
            // published with Redis gone.
            var events = new List<ConnectionTestEvent>();
            await using var run = services.GetRequiredService<DestinationTestRunner>().TestSavedAsync(id).GetAsyncEnumerator();
            Assert.True(await run.MoveNextAsync());
            events.Add(run.Current);
            await redis.StopAsync();
            await WaitForHealthAsync(healthOfA, "Degraded");
            clock.Restart();
            while (await run.MoveNextAsync())
            {
                events.Add(run.Current);
            }

            return events;
        });
        clock.Stop();

        var result = pulled[^1].Outcome!;
        Assert.True(result.Succeeded, pulled[^1].Message);
        // Within the run's own deadline (the destination's timeout), from the moment Redis was known to be gone.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(Core.Destinations.PostgreSqlDestinationType.DefaultTimeoutSeconds));
        Assert.Equal(WatchedEvents.Shape(pulled), WatchedEvents.Shape(await onA.UntilResultsAsync(1)));
        Assert.Equal("Degraded", await healthOfA.GetStringAsync("/health"));

        await redis.StartAsync();
        await WaitForHealthAsync(healthOfA, "Healthy");
        // Back: the next run reaches B again.
        await using (var spy = await RedisChannelSpy.StartAsync(redis))
        {
            await spy.WaitForSubscribersAsync(3);
        }

        var after = await TestAsync(throughA, id);
        var seenOnB = await onB.UntilResultsAsync(1);
        Assert.Equal(after.RunId, seenOnB[^1].RunId);
    }

    [Fact]
    public async Task CanaryPassword_SucceededAndFailed_NeverOnTheChannel_NorInTheStoreInClear()
    {
        var canary = "canary-" + Guid.NewGuid().ToString("N");
        var wrongCanary = "canary-" + Guid.NewGuid().ToString("N");
        var (a, b) = (Instance(), Instance());
        await using var spy = await RedisChannelSpy.StartAsync(redis);
        using var throughA = await a.TokenClientAsync();
        var onB = new WatchedEvents();
        await SetPasswordAsync(TestRoles.NoCreate, canary);
        try
        {
            var works = await SaveAsync(throughA, TestRoles.NoCreate, canary);
            var refused = await SaveAsync(throughA, TestRoles.Scram, wrongCanary);
            _subscriptions.Add(b.Services.GetRequiredService<ConnectionTestBroadcaster>().SubscribeAll(live => onB.Add(live.Event)));
            await spy.WaitForSubscribersAsync(3);

            var succeeded = await TestAsync(throughA, works);
            var failed = await TestAsync(throughA, refused);
            await onB.UntilResultsAsync(2);

            Assert.True(succeeded.Succeeded, succeeded.Report);
            Assert.Equal(ConnectionTestCategory.Authentication, failed.Outcome.Category);
            // Both runs' Results went over the channel (the spy is not behind B's relay).
            var messages = await spy.WaitForAsync(all =>
                all.Count(m => m.Contains("\"outcome\":{", StringComparison.Ordinal) && (m.Contains(succeeded.RunId.ToString(), StringComparison.Ordinal) || m.Contains(failed.RunId.ToString(), StringComparison.Ordinal))) == 2);
            Assert.DoesNotContain(messages, m => m.Contains(canary, StringComparison.Ordinal) || m.Contains(wrongCanary, StringComparison.Ordinal));
            Assert.DoesNotContain(a.Logs, line => line.Contains(canary, StringComparison.Ordinal) || line.Contains(wrongCanary, StringComparison.Ordinal));
            Assert.Equal(0, await RowsContainingAsync(canary) + await RowsContainingAsync(wrongCanary));
            // The scan itself finds what is there in clear: the run's id in the history.
            Assert.True(await RowsContainingAsync(succeeded.RunId.ToString()) > 0);
        }
        finally
        {
            await SetPasswordAsync(TestRoles.NoCreate, TestRoles.NoCreatePassword);
        }
    }

    private static async Task WaitForHealthAsync(HttpClient client, string expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string status;
        while ((status = await client.GetStringAsync("/health")) != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"/health stayed {status}, not {expected}.");
            await Task.Delay(100);
        }
    }

    private async Task SetPasswordAsync(string role, string password)
    {
        await using var connection = new NpgsqlConnection(servers.Tls.SuperuserConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"ALTER ROLE {role} PASSWORD '{password}'", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Rows of every table of the store whose text form contains <paramref name="text"/>.</summary>
    private async Task<long> RowsContainingAsync(string text)
    {
        await using var connection = new NpgsqlConnection(_store);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        Assert.Contains("Destinations", tables);
        long rows = 0;
        foreach (var table in tables)
        {
            await using var count = new NpgsqlCommand($"""SELECT count(*) FROM "{table}" t WHERE t::text LIKE '%' || @text || '%'""", connection);
            count.Parameters.AddWithValue("text", text);
            rows += (long)(await count.ExecuteScalarAsync())!;
        }

        return rows;
    }
}
