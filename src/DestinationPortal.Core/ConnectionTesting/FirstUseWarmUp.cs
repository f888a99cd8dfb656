using System.Net;
using System.Threading.Channels;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// Once the portal answers, pays in the background what the first saved Test Connection after a start would otherwise
/// pay on a person's click: EF's first save and queries of a test's records, rolled back (<see
/// cref="ConnectionTestHistory.WarmUpAsync"/>), EF's compilation of a saved test's read (<see
/// cref="DestinationService.FindForTestAsync"/>), one whole successful test against the portal's own loopback responder
/// (<see cref="TestAgainstOwnResponderAsync"/>), and then the host's own steps (<see cref="IFirstUseWarmUpStep"/>, e.g. the
/// API's serializer). Measured in issue 16: the first test after a start took 4–8× the second. It runs after the host has
/// started, so it never delays <c>/health</c>, and a failure only costs the warm-up.
/// </summary>
public sealed class FirstUseWarmUp(
    IHostApplicationLifetime lifetime, ConnectionTestHistory history, IDbContextFactory<PortalDbContext> dbFactory, IEnumerable<IFirstUseWarmUpStep> steps,
    TimeProvider clock, ILogger<FirstUseWarmUp> logger) : BackgroundService
{
    /// <summary>
    /// Whether every step ran without an error and its own test succeeded (a failed step is only logged, so tests ask here).
    /// </summary>
    internal bool Completed { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            await started.Task;
        }

        var start = clock.GetTimestamp();
        try
        {
            await history.WarmUpAsync(clock.GetUtcNow().UtcDateTime, stoppingToken);
            await using (var db = await dbFactory.CreateDbContextAsync(stoppingToken))
            {
                // No destination has the empty id; the query is compiled all the same.
                await DestinationService.FindForTestAsync(db, Guid.Empty, stoppingToken);
            }

            var stored = clock.GetElapsedTime(start);
            var verdict = await TestAgainstOwnResponderAsync(clock, logger, stoppingToken);
            var tested = clock.GetElapsedTime(start);
            foreach (var step in steps)
            {
                await step.WarmUpAsync(stoppingToken);
            }

            Completed = verdict.Succeeded;
            var total = clock.GetElapsedTime(start);
            logger.LogDebug(
                "Warmed up the first Test Connection in {Elapsed} ms: the store's part {Store} ms, its own test {Test} ms (succeeded: {Succeeded}), the host's steps {Host} ms.",
                (long)total.TotalMilliseconds, (long)stored.TotalMilliseconds, (long)(tested - stored).TotalMilliseconds, verdict.Succeeded,
                (long)(total - tested).TotalMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogDebug(ex, "The warm-up of the connection test failed; the first test pays it instead.");
        }
    }

    /// <summary>
    /// One successful Test Connection through every stage, against the portal's own <see cref="WarmUpResponder"/> on
    /// loopback: TLS Require, the relayed login with a made-up password over SCRAM-SHA-256, and the Database stage's query
    /// and row. No destination is contacted, nothing is recorded or announced, and the network policy that would refuse
    /// loopback to a person's test is replaced for this run only, whose one address is the responder.
    /// </summary>
    internal static async Task<Verdict> TestAgainstOwnResponderAsync(TimeProvider time, ILogger logger, CancellationToken ct)
    {
        const string password = "warm-up";
        await using var responder = WarmUpResponder.Start(password);
        return await TestAgainstAsync(responder, password, time, logger, ct);
    }

    /// <summary>The same run against a given responder with a given password (a test gives it the wrong one).</summary>
    internal static async Task<Verdict> TestAgainstAsync(WarmUpResponder responder, string password, TimeProvider time, ILogger logger, CancellationToken ct)
    {
        var destination = new DestinationDefinition(
            "warm-up", PostgreSqlDestinationType.Id, "localhost", TlsMode.Require, null, responder.Port, false, "warm-up", "warm-up", null, 5, "postgres");
        var request = new ConnectionTestRequest(Guid.NewGuid(), destination, password);
        var events = new RunEvents(request.Id, time, Channel.CreateUnbounded<ConnectionTestEvent>().Writer);
        events.Start();
        var run = new ConnectionTestRun(request, new NetworkPolicy(new ConnectionTestingOptions { DeniedNetworks = [] }), 1,
            new LoopbackOnly(), events, time, logger);
        return await run.ExecuteAsync(ct);
    }

    private sealed class LoopbackOnly : IHostNameResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Task.FromResult(new[] { IPAddress.Loopback });
    }
}
