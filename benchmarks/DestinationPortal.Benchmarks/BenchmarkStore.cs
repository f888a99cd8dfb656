using DestinationPortal.TestSupport;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DestinationPortal.Benchmarks;

/// <summary>
/// The portal's store for one benchmark process: SQLite in a temp data directory, or a fresh database (ICU "en-US", as an
/// operator's would be) on a throwaway PostgreSQL 15 cluster made from the Debian binaries, like the integration tests'
/// clusters, on a free loopback port with TLS. The cluster is started in either case when <c>withServer</c> is set, so a
/// benchmark can also test connections against it.
/// </summary>
internal sealed class BenchmarkStore : IAsyncDisposable
{
    public const string Sqlite = "SQLite";
    public const string PostgreSql = "PostgreSQL";

    private readonly DirectoryInfo _root;
    private readonly DirectoryInfo? _clusters;

    private BenchmarkStore(DirectoryInfo root, DirectoryInfo? clusters, IReadOnlyDictionary<string, string?> settings, LocalCluster? server, string? connectionString)
    {
        _root = root;
        _clusters = clusters;
        Settings = settings;
        Server = server;
        ConnectionString = connectionString;
    }

    /// <summary>Core's configuration for this store.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>The PostgreSQL cluster, when one was started.</summary>
    public LocalCluster? Server { get; }

    /// <summary>The portal database's connection string on PostgreSQL (pooled, as in production); null on SQLite.</summary>
    public string? ConnectionString { get; }

    public string DataDirectory => Path.Combine(_root.FullName, "data");

    public static async Task<BenchmarkStore> StartAsync(string provider, bool withServer = false)
    {
        var root = Directory.CreateTempSubdirectory("dp-bench-store-");
        Directory.CreateDirectory(Path.Combine(root.FullName, "data"));
        var settings = new Dictionary<string, string?> { ["Portal:DataDirectory"] = Path.Combine(root.FullName, "data") };
        LocalCluster? server = null;
        DirectoryInfo? clusters = null;
        string? connectionString = null;
        if (provider == PostgreSql || withServer)
        {
            var bin = PostgreSqlBackend.RequireLocalBinaries();
            // A directory of its own: initdb runs as the postgres account, which must own it (LocalCommand.GiveToPostgresAsync).
            clusters = Directory.CreateTempSubdirectory("dp-bench-pg-");
            var template = await LocalCluster.CreateTemplateAsync(clusters.FullName, bin);
            server = await LocalCluster.StartAsync("bench", bin, template, TestCertificates.Create().Server);
        }

        if (provider == PostgreSql)
        {
            var database = await PostgreSqlStoreDatabase.CreateAsync(server!);
            connectionString = new NpgsqlConnectionStringBuilder(database) { Pooling = true }.ConnectionString;
            foreach (var (key, value) in PostgreSqlStoreDatabase.Settings(connectionString))
            {
                settings[key] = value;
            }
        }

        return new BenchmarkStore(root, clusters, settings, server, connectionString);
    }

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        NpgsqlConnection.ClearAllPools();
        if (Server is not null)
        {
            await Server.StopAsync();
        }

        _root.Delete(recursive: true);
        _clusters?.Delete(recursive: true);
    }
}
