using Npgsql;

namespace DestinationPortal.IntegrationTests.Store;

/// <summary>An empty database of its own on a test server, for one portal store.</summary>
public static class StoreDatabase
{
    /// <summary>Creates the database and returns the portal's connection string to it.</summary>
    public static async Task<string> CreateAsync(IPostgreSqlServer server)
    {
        var name = "portal_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(server.SuperuserConnectionString()))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(server.SuperuserConnectionString()) { Database = name }.ToString();
    }

    public static IReadOnlyDictionary<string, string?> Settings(string connectionString) => new Dictionary<string, string?>
    {
        ["Portal:Database:Provider"] = "PostgreSql",
        ["Portal:Database:ConnectionString"] = connectionString,
    };
}
