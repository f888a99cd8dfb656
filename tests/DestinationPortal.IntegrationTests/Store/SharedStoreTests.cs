using System.Net;
using DestinationPortal.Core.Access;
using DestinationPortal.Core.Persistence;
using DestinationPortal.IntegrationTests.Api;
using DestinationPortal.IntegrationTests.Hosting;
using DestinationPortal.Web.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DestinationPortal.IntegrationTests.Store;

/// <summary>
/// Issue 14: two portal instances on one PostgreSQL store (two in-memory apps on one database of a real server), as
/// they run behind a load balancer.
/// </summary>
[Collection(PostgreSqlTestGroup.Name)]
public sealed class SharedStoreTests(PostgreSqlServers servers) : IAsyncLifetime
{
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

    private PortalApp Instance()
    {
        var app = new PortalApp(PostgreSqlStoreDatabase.Settings(_store));
        _apps.Add(app);
        return app;
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_store);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task TwoInstances_StartedTogether_MigrateOnce_OneDataProtectionKey_OneAdministrator()
    {
        var (a, b) = (Instance(), Instance());

        // Services starts the host: each runs Program's start-up (migrate, key, first administrator) at the same moment.
        await Task.WhenAll(Task.Run(() => a.Services), Task.Run(() => b.Services));

        await using var db = await a.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(db.Database.GetMigrations().Count(), await CountAsync("""SELECT count(*) FROM "__EFMigrationsHistory" """));
        Assert.Equal(1, await CountAsync("""SELECT count(*) FROM "DataProtectionKeys" """));
        Assert.Equal(1, await CountAsync("""SELECT count(*) FROM "AspNetUsers" """));
        Assert.Equal(1, await CountAsync("""SELECT count(*) FROM "AuditEntries" WHERE "Action" = 'setup-completed' """));
    }

    [Fact]
    public async Task PasswordSavedThroughOneInstance_TestsThroughTheOther_AgainstRealPostgreSql()
    {
        var (a, b) = (Instance(), Instance());
        using var throughA = await a.TokenClientAsync();
        using var throughB = await b.TokenClientAsync();
        var body = ApiHelpers.Body(ApiHelpers.UniqueName("shared"), "127.0.0.1", servers.Tls.Port);
        body["username"] = TestRoles.Scram;
        body["database"] = "postgres";
        body["password"] = TestRoles.ScramPassword;

        var saved = await throughA.CreateAsync(body);
        using var response = await throughB.PostAsync($"/api/destinations/{saved.Id}/test", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.ReadAsync<ConnectionTestResponse>();
        Assert.True(report.Succeeded, report.Report);
        // Stored encrypted: the password is nowhere in the store's tables in clear.
        Assert.Equal(0, await CountAsync($"""SELECT count(*) FROM "Destinations" WHERE "ProtectedPassword" LIKE '%{TestRoles.ScramPassword}%' """));
        // One audit trail for the portal: the save written by A and the test written by B are both in it.
        Assert.Equal(1, await CountAsync($"""SELECT count(*) FROM "AuditEntries" WHERE "DestinationId" = '{saved.Id}' AND "Action" = 'destination-created' """));
        Assert.Equal(1, await CountAsync($"""SELECT count(*) FROM "AuditEntries" WHERE "DestinationId" = '{saved.Id}' AND "Action" = 'destination-tested' """));
    }

    [Fact]
    public async Task DemotingTheTwoLastAdministrators_FromTwoInstancesAtOnce_ExactlyOneSucceeds()
    {
        var (a, b) = (Instance(), Instance());
        await a.CreateUserAsync("second-admin", PortalRole.Administrator);
        var firstId = await IdOfAsync(a, PortalApp.AdminName);
        var secondId = await IdOfAsync(a, "second-admin");

        // Each administrator demotes the other, through a different instance, at the same moment. To make "the same
        // moment" certain, writes to the users table wait behind a lock until both demotions are waiting: without a
        // portal-wide gate both have counted two administrators by then, and both would save.
        await using var blocker = new NpgsqlConnection(_store);
        await blocker.OpenAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await using (var lockUsers = new NpgsqlCommand("""LOCK TABLE "AspNetUsers" IN EXCLUSIVE MODE""", blocker, transaction))
        {
            await lockUsers.ExecuteNonQueryAsync();
        }

        var demotions = Task.WhenAll(
            Task.Run(() => DemoteAsync(a, secondId, actor: PortalApp.AdminName)),
            Task.Run(() => DemoteAsync(b, firstId, actor: "second-admin")));
        await WaitForWaitingLocksAsync(2);
        await transaction.CommitAsync();
        var results = await demotions;

        Assert.Single(results, succeeded => succeeded);
        Assert.Equal(1, await CountAsync("""SELECT count(*) FROM "AspNetUsers" WHERE "Role" = 'Administrator' """));
    }

    [Theory]
    [InlineData("""UPDATE "AuditEntries" SET "Outcome" = 'rewritten'""")]
    [InlineData("""DELETE FROM "AuditEntries" """)]
    [InlineData("""TRUNCATE "AuditEntries" """)]
    [InlineData("""UPDATE "AuditPurgeWindow" SET "CutoffUtc" = now()""")]
    [InlineData("""TRUNCATE "AuditPurgeWindow" """)]
    public async Task AuditTrail_OnPostgreSql_RefusesRowChangesAndTruncate(string sql)
    {
        var app = Instance();
        _ = app.Services;
        var before = await CountAsync("""SELECT count(*) FROM "AuditEntries" """);
        Assert.True(before > 0);

        await using var connection = new NpgsqlConnection(_store);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.RaiseException, refused.SqlState);
        Assert.Equal(before, await CountAsync("""SELECT count(*) FROM "AuditEntries" WHERE "Outcome" <> 'rewritten'"""));
    }

    // Both demotions are blocked: on the table lock (a save) or on the portal's write gate (an advisory lock).
    private async Task WaitForWaitingLocksAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await CountAsync("SELECT count(*) FROM pg_locks WHERE NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())") < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Fewer than {count} sessions came to wait for a lock.");
            await Task.Delay(20);
        }
    }

    private static async Task<bool> DemoteAsync(PortalApp app, string userId, string actor)
    {
        try
        {
            return (await app.WithScopeAsync(s => s.GetRequiredService<UserAdministration>().ChangeRoleAsync(userId, PortalRole.Editor), actor)).Succeeded;
        }
        catch (PortalAccessDeniedException)
        {
            return false;
        }
    }

    private static Task<string> IdOfAsync(PortalApp app, string userName) =>
        app.WithScopeAsync(async s => (await s.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<PortalUser>>().FindByNameAsync(userName))!.Id, null);
}
