using System.Globalization;
using BenchmarkDotNet.Attributes;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Persistence;
using DestinationPortal.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DestinationPortal.Benchmarks;

/// <summary>
/// Test Connection of a saved destination as the screens and the API run it (read the destination and its password from
/// the store, run every stage, record the run in the history and the destination's last test) on each store, beside
/// the connection it diagnoses and the store-free diagnostic, in the same process. Self-contained: the target is a
/// throwaway PostgreSQL 15 cluster with TLS on loopback (SCRAM login), which is also the store's server on PostgreSQL.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class SavedDestinationTestBenchmarks
{
    private BenchmarkStore _store = null!;
    private ServiceProvider _services = null!;
    private string _rawConnectionString = null!;
    private DestinationDefinition _definition = null!;
    private Guid _saved;

    [Params(BenchmarkStore.Sqlite, BenchmarkStore.PostgreSql)]
    public string Store { get; set; } = BenchmarkStore.Sqlite;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _store = await BenchmarkStore.StartAsync(Store, withServer: true);
        _services = new ServiceCollection().AddBenchmarkPortal(_store.Settings).BuildServiceProvider();
        await _services.InitializePortalDatabaseAsync();
        var port = _store.Server!.Port;
        _rawConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = TestRoles.Scram,
            Password = TestRoles.ScramPassword,
            Database = "postgres",
            SslMode = SslMode.Require,
            GssEncryptionMode = GssEncryptionMode.Disable,
            Pooling = false,
        }.ConnectionString;
        _definition = new DestinationDefinition("bench", PostgreSqlDestinationType.Id, "127.0.0.1", TlsMode.Require, null, port, false, TestRoles.Scram, "postgres", null, 10, "postgres");

        await using var scope = _services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<DestinationService>().CreateAsync(new DestinationInput
        {
            Name = "bench",
            ServerName = "127.0.0.1",
            Port = port.ToString(CultureInfo.InvariantCulture),
            TlsMode = TlsMode.Require,
            Username = TestRoles.Scram,
            Password = TestRoles.ScramPassword,
            Database = "postgres",
        });
        _saved = created.Id ?? throw new InvalidOperationException($"The benchmark destination was not saved: {created.Status}.");
    }

    [Benchmark(Baseline = true, Description = "(a) Reference: raw Npgsql, unpooled open + SELECT 1 (TLS, SCRAM)")]
    public async Task<object?> RawNpgsqlOpenAndSelect()
    {
        await using var connection = new NpgsqlConnection(_rawConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        return await command.ExecuteScalarAsync();
    }

    [Benchmark(Description = "(c) Full diagnostic test, no store (ConnectionTester)")]
    public async Task<bool> DiagnosticWithoutStore()
    {
        await using var scope = _services.CreateAsyncScope();
        ConnectionTestOutcome? outcome = null;
        await foreach (var item in scope.ServiceProvider.GetRequiredService<ConnectionTester>().RunAsync(new ConnectionTestRequest(Guid.NewGuid(), _definition, TestRoles.ScramPassword)))
        {
            outcome = item.Outcome ?? outcome;
        }

        return outcome?.Succeeded == true ? true : throw new InvalidOperationException("The benchmark server did not accept the test.");
    }

    [Benchmark(Description = "(e) Test Connection of the saved destination: read, all stages, history and last test written")]
    public async Task<bool> SavedDestinationTest()
    {
        await using var scope = _services.CreateAsyncScope();
        ConnectionTestOutcome? outcome = null;
        await foreach (var item in scope.ServiceProvider.GetRequiredService<DestinationTestRunner>().TestSavedAsync(_saved))
        {
            outcome = item.Outcome ?? outcome;
        }

        return outcome?.Succeeded == true ? true : throw new InvalidOperationException("The saved destination's test did not succeed.");
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _services.DisposeAsync();
        await _store.DisposeAsync();
    }
}
