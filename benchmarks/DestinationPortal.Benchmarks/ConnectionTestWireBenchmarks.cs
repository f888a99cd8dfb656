using System.Diagnostics;
using System.Globalization;
using System.Net;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using DestinationPortal.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DestinationPortal.Benchmarks;

/// <summary>
/// Test Connection against the connection it diagnoses, on loopback and through <see cref="DelayProxy"/> (10 ms each way,
/// a 20 ms round trip), in one process against one throwaway PostgreSQL 15 cluster with TLS and a SCRAM login. The
/// reference is a raw unpooled Npgsql open + SELECT 1 with Npgsql's defaults (TLS Prefer). Before BenchmarkDotNet's own
/// runs, the setup prints a census (TCP connections, TLS handshakes and round trips per test, counted by the proxy) and
/// an interleaved measurement (each variant once per round, so a change in the machine's load hits all of them alike).
/// No job attribute: run it in process with a short job from the command line (docs/benchmarks.md).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ConnectionTestWireBenchmarks
{
    private const int Rounds = 30;

    private BenchmarkStore _store = null!;
    private ServiceProvider _services = null!;
    private DelayProxy _proxy = null!;
    private string _rawLoopback = null!;
    private string _rawDelayed = null!;
    private DestinationDefinition _loopback = null!;
    private DestinationDefinition _delayed = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        await StartAsync();
        await CensusAsync();
        await InterleavedAsync();
    }

    /// <summary>
    /// "wire-cpu [--blocks N] [--block N]": CPU time per operation, not wall time, for raw Npgsql and Test Connection on
    /// loopback: this process's (the client's) and the server's (the postmaster and the backends it has reaped), in blocks
    /// of each variant taken in turn. On two shared cores wall time hides where the work is; CPU time says which side pays.
    /// </summary>
    public static async Task<int> RunCpuAsync(string[] args)
    {
        var blocks = Option(args, "--blocks", 10);
        var perBlock = Option(args, "--block", 20);
        var bench = new ConnectionTestWireBenchmarks();
        await bench.StartAsync();
        try
        {
            var postmaster = bench._store.Server!.PostmasterProcessId();
            var variants = new (string Name, Func<Task> Run)[]
            {
                ("raw loopback", () => RawAsync(bench._rawLoopback)),
                ("test loopback", () => bench.TestAsync(bench._loopback)),
            };
            var totals = variants.Select(_ => (Wall: 0.0, Client: 0.0, Server: 0.0)).ToArray();
            for (var block = -1; block < blocks; block++)
            {
                for (var i = 0; i < variants.Length; i++)
                {
                    var clientBefore = Process.GetCurrentProcess().TotalProcessorTime;
                    var serverBefore = ServerCpu(postmaster);
                    var clock = Stopwatch.StartNew();
                    for (var n = 0; n < perBlock; n++)
                    {
                        await variants[i].Run();
                    }

                    // Backends exit after the client's Terminate; wait until the postmaster has reaped them, so their CPU is counted.
                    await Task.Delay(200);
                    var wall = clock.Elapsed.TotalMilliseconds - 200;
                    if (block >= 0)
                    {
                        var t = totals[i];
                        totals[i] = (t.Wall + wall, t.Client + (Process.GetCurrentProcess().TotalProcessorTime - clientBefore).TotalMilliseconds,
                            t.Server + ServerCpu(postmaster) - serverBefore);
                    }
                }
            }

            var count = (double)blocks * perBlock;
            for (var i = 0; i < variants.Length; i++)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"// cpu {variants[i].Name}: wall {totals[i].Wall / count:F1} ms, client CPU {totals[i].Client / count:F1} ms, server CPU {totals[i].Server / count:F1} ms per operation ({count} operations)"));
            }

            return 0;
        }
        finally
        {
            await bench.CleanupAsync();
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    // utime + stime + cutime + cstime of the postmaster, in milliseconds (clock ticks of 10 ms).
    private static double ServerCpu(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // Fields after the command: state is index 0, utime index 11, stime 12, cutime 13, cstime 14.
        return Enumerable.Range(11, 4).Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture)) * 10.0;
    }

    private async Task StartAsync()
    {
        _store = await BenchmarkStore.StartAsync(BenchmarkStore.Sqlite, withServer: true);
        _services = new ServiceCollection().AddBenchmarkPortal(_store.Settings).BuildServiceProvider();
        var port = _store.Server!.Port;
        _proxy = new DelayProxy(new IPEndPoint(IPAddress.Loopback, port), TimeSpan.FromMilliseconds(10));
        _rawLoopback = Raw(port);
        _rawDelayed = Raw(_proxy.Port);
        _loopback = Destination(port);
        _delayed = Destination(_proxy.Port);
    }

    [Benchmark(Baseline = true, Description = "Raw Npgsql, unpooled open + SELECT 1 (defaults: TLS Prefer, SCRAM)")]
    [BenchmarkCategory("Loopback")]
    public Task<object?> RawLoopback() => RawAsync(_rawLoopback);

    [Benchmark(Description = "Test Connection (ConnectionTester.RunAsync to its Result), TLS Mode Prefer")]
    [BenchmarkCategory("Loopback")]
    public Task<bool> TesterLoopback() => TestAsync(_loopback);

    [Benchmark(Baseline = true, Description = "Raw Npgsql, unpooled open + SELECT 1 (defaults: TLS Prefer, SCRAM)")]
    [BenchmarkCategory("20 ms RTT")]
    public Task<object?> RawDelayed() => RawAsync(_rawDelayed);

    [Benchmark(Description = "Test Connection (ConnectionTester.RunAsync to its Result), TLS Mode Prefer")]
    [BenchmarkCategory("20 ms RTT")]
    public Task<bool> TesterDelayed() => TestAsync(_delayed);

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _proxy.DisposeAsync();
        await _services.DisposeAsync();
        await _store.DisposeAsync();
    }

    private static string Raw(int port) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = port,
        Username = TestRoles.Scram,
        Password = TestRoles.ScramPassword,
        Database = "postgres",
        Pooling = false,
    }.ConnectionString;

    private static DestinationDefinition Destination(int port) =>
        new("bench", PostgreSqlDestinationType.Id, "127.0.0.1", TlsMode.Prefer, null, port, false, TestRoles.Scram, "postgres", null, 10, "postgres");

    private static async Task<object?> RawAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        return await command.ExecuteScalarAsync();
    }

    private async Task<bool> TestAsync(DestinationDefinition destination)
    {
        await using var scope = _services.CreateAsyncScope();
        ConnectionTestOutcome? outcome = null;
        await foreach (var item in scope.ServiceProvider.GetRequiredService<ConnectionTester>().RunAsync(new ConnectionTestRequest(Guid.NewGuid(), destination, TestRoles.ScramPassword)))
        {
            outcome = item.Outcome ?? outcome;
        }

        return outcome?.Succeeded == true ? true : throw new InvalidOperationException("The benchmark server did not accept the test: " + outcome?.Explanation);
    }

    /// <summary>One run of each variant through the proxy (after a warm-up), and what the proxy saw of it.</summary>
    private async Task CensusAsync()
    {
        await RawAsync(_rawDelayed);
        await TestAsync(_delayed);
        // Npgsql's close (Terminate) reaches the proxy after the call returns; give the relay its one-way delay to see it.
        await Task.Delay(100);
        _proxy.TakeConnections();
        foreach (var (name, run) in new (string, Func<Task>)[] { ("raw Npgsql", () => RawAsync(_rawDelayed)), ("Test Connection", () => TestAsync(_delayed)) })
        {
            await run();
            await Task.Delay(100);
            var connections = _proxy.TakeConnections();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"// census {name}: {connections.Count} TCP connection(s), {connections.Count(c => c.Tls)} TLS handshake(s), round trips per connection (TCP handshake included): {string.Join(" + ", connections.Select(c => c.RoundTrips))} = {connections.Sum(c => c.RoundTrips)}; bytes to server {connections.Sum(c => c.BytesToServer)}, to client {connections.Sum(c => c.BytesToClient)}"));
        }
    }

    /// <summary>Each variant once per round, medians and ratios printed; the figures docs/benchmarks.md quotes first.</summary>
    private async Task InterleavedAsync()
    {
        var variants = new (string Name, Func<Task> Run)[]
        {
            ("raw loopback", () => RawAsync(_rawLoopback)),
            ("test loopback", () => TestAsync(_loopback)),
            // Not a goal, a floor: what any design with a second connection beside the login pays on this machine, where
            // the client and the server (a forked backend and a TLS handshake per connection) share the same cores.
            ("two raw opens at once, loopback", () => Task.WhenAll(RawAsync(_rawLoopback), RawAsync(_rawLoopback))),
            ("raw 20 ms RTT", () => RawAsync(_rawDelayed)),
            ("test 20 ms RTT", () => TestAsync(_delayed)),
        };
        var times = variants.Select(_ => new List<double>()).ToArray();
        for (var round = -3; round < Rounds; round++)
        {
            for (var i = 0; i < variants.Length; i++)
            {
                var clock = Stopwatch.StartNew();
                await variants[i].Run();
                if (round >= 0)
                {
                    times[i].Add(clock.Elapsed.TotalMilliseconds);
                }
            }
        }

        var medians = times.Select(Median).ToArray();
        for (var i = 0; i < variants.Length; i++)
        {
            var reference = variants[i].Name.EndsWith("loopback", StringComparison.Ordinal) ? medians[0] : medians[3];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"// interleaved {variants[i].Name}: median {medians[i]:F1} ms, p90 {Percentile(times[i], 0.9):F1} ms, ratio {medians[i] / reference:F2}"));
        }
    }

    private static double Median(List<double> values) => Percentile(values, 0.5);

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Round(p * (sorted.Count - 1)))];
    }
}
