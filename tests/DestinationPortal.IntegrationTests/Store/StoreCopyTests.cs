using System.Net;
using DestinationPortal.Core.Access;
using DestinationPortal.IntegrationTests.Api;
using DestinationPortal.IntegrationTests.Hosting;
using DestinationPortal.Web.Api;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DestinationPortal.IntegrationTests.Store;

/// <summary>Issue 14, moving an existing portal: <c>copy-to-postgres</c> from a SQLite portal's data directory.</summary>
[Collection(PostgreSqlTestGroup.Name)]
public sealed class StoreCopyTests(PostgreSqlServers servers)
{
    private static readonly string[] Tables =
        ["AspNetUsers", "AspNetUserClaims", "AspNetUserLogins", "AspNetUserTokens", "ApiTokens", "Destinations", "TestRuns", "AuditEntries", "DataProtectionKeys"];

    [Fact]
    public async Task CopyToPostgres_EveryPasswordStillDecryptsAndTests_UsersSignIn_EveryAuditRow_ASecondCopyIsRefusedAndChangesNothing()
    {
        await using var embedded = new PortalApp();
        using var embeddedApi = await embedded.TokenClientAsync();
        var body = ApiHelpers.Body(ApiHelpers.UniqueName("moved"), "127.0.0.1", servers.Tls.Port);
        body["username"] = TestRoles.Scram;
        body["database"] = "postgres";
        body["password"] = TestRoles.ScramPassword;
        var saved = await embeddedApi.CreateAsync(body);
        using (var firstTest = await embeddedApi.PostAsync($"/api/destinations/{saved.Id}/test", null))
        {
            Assert.True((await firstTest.ReadAsync<ConnectionTestResponse>()).Succeeded);
        }

        var editorPassword = await embedded.CreateUserAsync("moved-editor", PortalRole.Editor);
        var store = await PostgreSqlStoreDatabase.CreateWithServerDefaultsAsync(servers.NoTls);

        var copied = await PortalCommand.RunAsync(PostgreSqlStoreDatabase.Settings(store), "copy-to-postgres", "--from", embedded.DataDirectory);

        Assert.True(copied.ExitCode == 0, copied.ToString());
        Assert.Contains("2 users", copied.Output, StringComparison.Ordinal);
        Assert.Contains("1 destinations", copied.Output, StringComparison.Ordinal);
        Assert.Contains("1 test runs", copied.Output, StringComparison.Ordinal);
        Assert.Contains("1 Data Protection keys", copied.Output, StringComparison.Ordinal);
        var auditRows = await SqliteAuditAsync(embedded.DataDirectory);
        Assert.NotEmpty(auditRows);
        Assert.Equal(auditRows, await PostgresAuditAsync(store));

        await using (var shared = new PortalApp(PostgreSqlStoreDatabase.Settings(store)))
        {
            // The administrator's password, the destination's stored password (under the copied key ring) and the editor's.
            using var api = await shared.TokenClientAsync();
            using var tested = await api.PostAsync($"/api/destinations/{saved.Id}/test", null);
            Assert.Equal(HttpStatusCode.OK, tested.StatusCode);
            var report = await tested.ReadAsync<ConnectionTestResponse>();
            Assert.True(report.Succeeded, report.Report);
            using var editor = await shared.SignedInClientAsync("moved-editor", editorPassword);
            Assert.Equal(1, await ScalarAsync(store, """SELECT count(*) FROM "DataProtectionKeys" """));
            Assert.Equal(2, await ScalarAsync(store, $"SELECT count(*) FROM \"TestRuns\" WHERE \"DestinationId\" = '{saved.Id}'"));
        }

        var before = await SnapshotAsync(store);
        var again = await PortalCommand.RunAsync(PostgreSqlStoreDatabase.Settings(store), "copy-to-postgres", "--from", embedded.DataDirectory);

        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("not empty", again.Error, StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync(store));
    }

    private static async Task<List<string>> SqliteAuditAsync(string dataDirectory)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDirectory, "portal.db"), Pooling = false }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new SqliteCommand(AuditRows, connection);
        return await ReadAsync(await command.ExecuteReaderAsync());
    }

    private static async Task<List<string>> PostgresAuditAsync(string store)
    {
        await using var connection = new NpgsqlConnection(store);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(AuditRows, connection);
        return await ReadAsync(await command.ExecuteReaderAsync());
    }

    private const string AuditRows = """SELECT "Id", "Action", "UserName", "SourceAddress", "Outcome" FROM "AuditEntries" ORDER BY "Id" """;

    private static async Task<List<string>> ReadAsync(System.Data.Common.DbDataReader reader)
    {
        await using (reader)
        {
            var rows = new List<string>();
            while (await reader.ReadAsync())
            {
                rows.Add($"{reader.GetInt64(0)}|{reader.GetString(1)}|{reader.GetString(2)}|{reader.GetString(3)}|{reader.GetString(4)}");
            }

            return rows;
        }
    }

    private static async Task<string> SnapshotAsync(string store)
    {
        var parts = new List<string>();
        foreach (var table in Tables)
        {
            parts.Add($"{table}={await ScalarAsync(store, $"SELECT count(*) FROM \"{table}\"")}");
        }

        parts.Add($"maxAudit={await ScalarAsync(store, """SELECT COALESCE(max("Id"), 0) FROM "AuditEntries" """)}");
        return string.Join(", ", parts);
    }

    private static async Task<long> ScalarAsync(string store, string sql)
    {
        await using var connection = new NpgsqlConnection(store);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
