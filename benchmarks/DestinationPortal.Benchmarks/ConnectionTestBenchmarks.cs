using BenchmarkDotNet.Attributes;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DestinationPortal.Benchmarks;

/// <summary>
/// One full diagnostic Test Connection against the cost of the connection it diagnoses: a raw unpooled Npgsql open +
/// SELECT 1 with the same TLS and SCRAM, on the same server in the same run. The server comes from BENCH_PG_* variables
/// (see docs/benchmarks.md); libpq's figure comes from pgbench -C in the same session.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 5, iterationCount: 30)]
public class ConnectionTestBenchmarks
{
    private static readonly string Host = Environment.GetEnvironmentVariable("BENCH_PG_HOST") ?? "127.0.0.1";
    private static readonly int Port = int.Parse(Environment.GetEnvironmentVariable("BENCH_PG_PORT") ?? "5432", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly string User = Environment.GetEnvironmentVariable("BENCH_PG_USER") ?? "postgres";
    private static readonly string Password = Environment.GetEnvironmentVariable("BENCH_PG_PASSWORD")
        ?? throw new InvalidOperationException("Set BENCH_PG_PASSWORD (and BENCH_PG_HOST/PORT/USER) to a TLS + SCRAM PostgreSQL login.");

    private string _dataDirectory = null!;
    private ServiceProvider _services = null!;
    private string _rawConnectionString = null!;
    private DestinationDefinition _destination = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dataDirectory = Directory.CreateTempSubdirectory("dp-bench-test-").FullName;
        _services = new ServiceCollection().AddBenchmarkPortal(_dataDirectory).BuildServiceProvider();
        _rawConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Username = User,
            Password = Password,
            Database = "postgres",
            SslMode = SslMode.Require,
            GssEncryptionMode = GssEncryptionMode.Disable,
            Pooling = false,
        }.ConnectionString;
        _destination = new DestinationDefinition("bench", PostgreSqlDestinationType.Id, Host, TlsMode.Require, null, Port, false, User, "postgres", null, 10, "postgres");
    }

    [Benchmark(Baseline = true, Description = "(a) Reference: raw Npgsql, unpooled open + SELECT 1 (TLS, SCRAM)")]
    public async Task<object?> RawNpgsqlOpenAndSelect()
    {
        await using var connection = new NpgsqlConnection(_rawConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        return await command.ExecuteScalarAsync();
    }

    [Benchmark(Description = "(c) Full diagnostic Test Connection (all stages)")]
    public async Task<bool> FullDiagnosticTest()
    {
        await using var scope = _services.CreateAsyncScope();
        var tester = scope.ServiceProvider.GetRequiredService<ConnectionTester>();
        ConnectionTestOutcome? outcome = null;
        await foreach (var item in tester.RunAsync(new ConnectionTestRequest(Guid.NewGuid(), _destination, Password)))
        {
            outcome = item.Outcome ?? outcome;
        }

        return outcome?.Succeeded == true ? true : throw new InvalidOperationException("The benchmark server did not accept the test.");
    }

    [Benchmark(Description = "(d) Upper bound: call to first stage event, plus cancelling the rest")]
    public async Task<ConnectionTestStage> TimeToFirstEvent()
    {
        await using var scope = _services.CreateAsyncScope();
        var tester = scope.ServiceProvider.GetRequiredService<ConnectionTester>();
        await using var events = tester.RunAsync(new ConnectionTestRequest(Guid.NewGuid(), _destination, Password)).GetAsyncEnumerator();
        await events.MoveNextAsync();
        return events.Current.Stage;
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _services.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }
}
