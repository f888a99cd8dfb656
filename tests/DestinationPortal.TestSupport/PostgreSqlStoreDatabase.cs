using Npgsql;

namespace DestinationPortal.TestSupport;

/// <summary>
/// An empty database of its own on a test server, for one portal store, made the way an operator's would be: with a
/// language's collation (ICU <see cref="Collation"/>), not the test clusters' "C". An ORDER BY on a column the portal
/// does not sort deliberately then follows English rules ("a_c" before "a-b"), where SQLite compares bytes: the
/// provider matrix sees the difference instead of hiding it.
/// </summary>
public static class PostgreSqlStoreDatabase
{
    public const string Collation = "en-US";

    /// <summary>Creates the database with an operator's language collation and returns the superuser's connection string to it.</summary>
    public static Task<string> CreateAsync(IPostgreSqlServer server) =>
        CreateAsync(server, $"TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C' LOCALE_PROVIDER icu ICU_LOCALE '{Collation}'");

    /// <summary>The same with the test cluster's defaults (collation "C"), for tests where ordering is not the point.</summary>
    public static Task<string> CreateWithServerDefaultsAsync(IPostgreSqlServer server) => CreateAsync(server, "");

    private static async Task<string> CreateAsync(IPostgreSqlServer server, string options)
    {
        var name = "store_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(server.SuperuserConnectionString()))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" {options}", admin);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(server.SuperuserConnectionString()) { Database = name }.ToString();
    }

    /// <summary>The portal's configuration for a PostgreSQL store at <paramref name="connectionString"/>.</summary>
    public static IReadOnlyDictionary<string, string?> Settings(string connectionString) => new Dictionary<string, string?>
    {
        ["Portal:Database:Provider"] = "PostgreSql",
        ["Portal:Database:ConnectionString"] = connectionString,
    };
}
