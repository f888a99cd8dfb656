using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// Once the portal answers, pays in the background what the first saved Test Connection after a start would otherwise
/// pay on a person's click: EF's first save and queries of a test's records, rolled back (<see
/// cref="ConnectionTestHistory.WarmUpAsync"/>), and Npgsql's first open against a port where nothing listens (<see
/// cref="AuthenticationDataSource.WarmUpAsync"/>). Measured in issue 16: the first test after a start took 4–8× the second.
/// It runs after the host has started, so it never delays <c>/health</c>, and a failure only costs the warm-up.
/// </summary>
public sealed class FirstUseWarmUp(
    IHostApplicationLifetime lifetime, ConnectionTestHistory history, TimeProvider clock, ILogger<FirstUseWarmUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            await started.Task;
        }

        try
        {
            await history.WarmUpAsync(clock.GetUtcNow().UtcDateTime, stoppingToken);
            await AuthenticationDataSource.WarmUpAsync(stoppingToken);
            logger.LogDebug("Warmed up the connection test's first login and first save.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogDebug(ex, "The warm-up of the connection test failed; the first test pays it instead.");
        }
    }
}
