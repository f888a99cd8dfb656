using System.Net;
using DestinationPortal.Core.Persistence;
using DestinationPortal.IntegrationTests.Api;
using DestinationPortal.IntegrationTests.Hosting;
using DestinationPortal.Web.Api;
using Npgsql;

namespace DestinationPortal.IntegrationTests.Store;

/// <summary>
/// Issue 14, operators who migrate in a deploy step: <c>DestinationPortal.Web migrate</c>, a portal that will not run on
/// a store that is behind, and the database-role split (the owner migrates, the portal runs as a role without the
/// rights to rewrite or empty the audit trail or to switch its triggers off).
/// </summary>
[Collection(PostgreSqlTestGroup.Name)]
public sealed class StoreCommandTests(PostgreSqlServers servers) : IAsyncLifetime
{
    private readonly List<PortalApp> _apps = [];
    private readonly List<string> _cleanup = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        NpgsqlConnection.ClearAllPools();
        foreach (var sql in _cleanup)
        {
            await ExecuteAsync(servers.NoTls.SuperuserConnectionString(), sql);
        }
    }

    [Fact]
    public async Task MigrateOnStartOff_PortalRefusesAStoreThatIsBehind_MigrateCommandUnderTheStartupLock_ThenThePortalStarts()
    {
        var store = await PostgreSqlStoreDatabase.CreateWithServerDefaultsAsync(servers.NoTls);
        var settings = new Dictionary<string, string?>(PostgreSqlStoreDatabase.Settings(store)) { ["Portal:Database:MigrateOnStart"] = "false" };

        var refused = Assert.ThrowsAny<Exception>(() => Instance(settings).Services);
        Assert.Contains("Portal:Database:MigrateOnStart is false", refused.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await ScalarAsync(store, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));

        // Held by "another instance starting": the command waits for it, as instances wait for each other.
        long applied;
        CommandResult migrated;
        await using (var locks = PostgresSessionLock.CreateDataSource(store))
        {
            var held = await PostgresSessionLock.AcquireAsync(locks, PostgresSessionLock.StartupKey, CancellationToken.None);
            var running = PortalCommand.StartAsync(settings, "migrate");
            await WaitForAsync(store, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted", 1);
            Assert.False(running.IsCompleted);
            Assert.Equal(0, await ScalarAsync(store, "SELECT count(*) FROM pg_tables WHERE tablename = '__EFMigrationsHistory'"));
            await held.DisposeAsync();
            migrated = await running;
            applied = await ScalarAsync(store, """SELECT count(*) FROM "__EFMigrationsHistory" """);
        }

        Assert.True(migrated.ExitCode == 0, migrated.ToString());
        Assert.Contains("Applied", migrated.Output, StringComparison.Ordinal);
        Assert.Contains("InitialCreate", migrated.Output, StringComparison.Ordinal);
        Assert.True(applied >= 1);

        var app = Instance(settings);
        using var client = app.CreateClient();
        using var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        var again = await PortalCommand.RunAsync(settings, "migrate");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("up to date", again.Output, StringComparison.Ordinal);
        Assert.Equal(applied, await ScalarAsync(store, """SELECT count(*) FROM "__EFMigrationsHistory" """));
    }

    [Fact]
    public async Task Migrate_StoreUnreachable_ExitsNonZero_SaysWhy_NeverThePassword()
    {
        const string canary = "migrate-password-canary-51c";
        var settings = new Dictionary<string, string?>
        {
            ["Portal:Database:Provider"] = "PostgreSql",
            ["Portal:Database:ConnectionString"] = $"Host=127.0.0.1;Port={FreePort.Next()};Database=portal;Username=portal;Password={canary};Timeout=5",
        };

        var result = await PortalCommand.RunAsync(settings, "migrate");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("migrate failed", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(canary, result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RoleSplit_OwnerMigrates_PortalRoleServesAndAudits_ButCannotTruncateUpdateOrDisableTheAuditTriggers()
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var owner = "dp_owner_" + suffix;
        var database = "portal_roles_" + suffix;
        var superuser = servers.NoTls.SuperuserConnectionString();
        await ExecuteAsync(superuser, $"CREATE ROLE \"{owner}\" NOLOGIN");
        _cleanup.Add($"DROP ROLE IF EXISTS \"{owner}\"");
        await ExecuteAsync(superuser, $"CREATE DATABASE \"{database}\" OWNER \"{owner}\"");
        _cleanup.Insert(0, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");

        // The owner: a role without login, taken on by the deploy step's session (the test clusters admit only known roles).
        var asOwner = new NpgsqlConnectionStringBuilder(superuser) { Database = database, Options = $"-c role={owner}" }.ToString();
        // The portal: a real login of its own that owns nothing.
        var asPortal = new NpgsqlConnectionStringBuilder(superuser) { Database = database, Username = TestRoles.Scram, Password = TestRoles.ScramPassword }.ToString();

        var migrated = await PortalCommand.RunAsync(
            new Dictionary<string, string?>(PostgreSqlStoreDatabase.Settings(asOwner)) { ["Portal:Database:PortalRole"] = TestRoles.Scram },
            "migrate");
        Assert.True(migrated.ExitCode == 0, migrated.ToString());
        Assert.Equal(1, await ScalarAsync(asPortal, $"SELECT count(*) FROM pg_tables WHERE tablename = 'AuditEntries' AND tableowner = '{owner}'"));

        var app = Instance(new Dictionary<string, string?>(PostgreSqlStoreDatabase.Settings(asPortal)) { ["Portal:Database:MigrateOnStart"] = "false" });
        _ = app.Services;
        var before = await ScalarAsync(asPortal, """SELECT count(*) FROM "AuditEntries" """);
        using var api = await app.TokenClientAsync();
        var body = ApiHelpers.Body(ApiHelpers.UniqueName("roles"), "127.0.0.1", servers.Tls.Port);
        body["username"] = TestRoles.Scram;
        body["database"] = "postgres";
        body["password"] = TestRoles.ScramPassword;
        var saved = await api.CreateAsync(body);
        using var tested = await api.PostAsync($"/api/destinations/{saved.Id}/test", null);
        Assert.Equal(HttpStatusCode.OK, tested.StatusCode);
        var report = await tested.ReadAsync<ConnectionTestResponse>();
        Assert.True(report.Succeeded, report.Report);
        Assert.Equal(1, await ScalarAsync(asPortal, $"SELECT count(*) FROM \"TestRuns\" WHERE \"DestinationId\" = '{saved.Id}'"));
        var audited = await ScalarAsync(asPortal, """SELECT count(*) FROM "AuditEntries" """);
        Assert.True(audited > before, "The portal role wrote no audit rows.");

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, await RefusalAsync(asPortal, """TRUNCATE "AuditEntries" """));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, await RefusalAsync(asPortal, """UPDATE "AuditEntries" SET "Outcome" = 'rewritten'"""));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, await RefusalAsync(asPortal, """ALTER TABLE "AuditEntries" DISABLE TRIGGER "AuditEntries_AppendOnly" """));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, await RefusalAsync(asPortal, """ALTER TABLE "AuditEntries" DISABLE TRIGGER ALL"""));
        // DELETE stays granted for the retention purge; the trigger still refuses it outside the purge window.
        Assert.Equal(PostgresErrorCodes.RaiseException, await RefusalAsync(asPortal, """DELETE FROM "AuditEntries" """));
        Assert.Equal(audited, await ScalarAsync(asPortal, """SELECT count(*) FROM "AuditEntries" WHERE "Outcome" <> 'rewritten'"""));
    }

    private PortalApp Instance(IReadOnlyDictionary<string, string?> settings)
    {
        var app = new PortalApp(settings);
        _apps.Add(app);
        return app;
    }

    private static async Task<string> RefusalAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
        return refused.SqlState;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task WaitForAsync(string connectionString, string sql, long atLeast)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await ScalarAsync(connectionString, sql) < atLeast)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for: {sql}");
            await Task.Delay(50);
        }
    }
}
