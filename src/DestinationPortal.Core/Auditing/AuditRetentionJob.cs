using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Core.Auditing;

/// <summary>Runs <see cref="AuditRetention.PurgeAsync"/> once at start-up and then every <see cref="AuditRetentionOptions.PurgeInterval"/>.</summary>
internal sealed class AuditRetentionJob(AuditRetention retention, IOptions<AuditRetentionOptions> options, TimeProvider clock, ILogger<AuditRetentionJob> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.RetentionDays is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.PurgeInterval, clock);
        do
        {
            try
            {
                await retention.PurgeAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A failed purge leaves every row in place (each batch is one transaction); the next tick tries again.
                logger.LogError(ex, "Audit retention failed; the audit trail keeps its rows until the next attempt.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
