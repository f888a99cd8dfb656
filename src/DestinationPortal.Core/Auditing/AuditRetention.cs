using System.Globalization;
using DestinationPortal.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Core.Auditing;

/// <summary>What one purge removed: <see cref="Deleted"/> rows written before <see cref="CutoffUtc"/>.</summary>
public sealed record AuditPurgeResult(int Deleted, DateTime CutoffUtc);

/// <summary>
/// The one way audit rows leave the database (decision "Audit retention"). The table's delete trigger refuses every
/// DELETE except of rows older than the cutoff in the guarded <c>AuditPurgeWindow</c> row, and that cutoff is NULL
/// except inside a purge's own transaction: each batch opens the window, deletes, and closes it again before it
/// commits, so no other writer (SQLite has one at a time) ever sees it open.
/// </summary>
public sealed class AuditRetention(
    IDbContextFactory<PortalDbContext> dbFactory,
    IWriteGate writeGate,
    TimeProvider clock,
    IOptions<AuditRetentionOptions> options,
    ILogger<AuditRetention> logger)
{
    /// <summary>The user name of the purge's own audit row: not a possible user name (<c>UserNameRule</c>), so never mistaken for one.</summary>
    public const string PurgeUserName = "(retention)";

    /// <summary>Rows per transaction: short enough that sign-ins and saves queued at the write gate wait milliseconds, not seconds.</summary>
    internal int BatchSize { get; init; } = 1000;

    /// <summary>
    /// Deletes the rows older than the retention and writes one <see cref="AuditActions.AuditPurged"/> row saying how many
    /// and older than what, in the same transaction as the last batch. Null when no retention is configured. A stop
    /// between batches ends the purge there, recorded; the next purge deletes the rest.
    /// </summary>
    public async Task<AuditPurgeResult?> PurgeAsync(CancellationToken cancellationToken = default)
    {
        if (options.Value.RetentionDays is not { } days)
        {
            return null;
        }

        var cutoff = clock.GetUtcNow().UtcDateTime.AddDays(-days);
        var deleted = 0;
        bool last;
        do
        {
            // Once rows are gone, every batch runs to its commit whatever the token says, so no deletion is left unrecorded.
            using var hold = await writeGate.EnterAsync(deleted == 0 ? cancellationToken : CancellationToken.None);
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            await db.Database.ExecuteSqlAsync($"UPDATE \"AuditPurgeWindow\" SET \"CutoffUtc\" = {cutoff} WHERE \"Id\" = 1", CancellationToken.None);
            var batch = await db.AuditEntries.Where(e => e.AtUtc < cutoff).OrderBy(e => e.Id).Take(BatchSize).ExecuteDeleteAsync(CancellationToken.None);
            await db.Database.ExecuteSqlAsync($"UPDATE \"AuditPurgeWindow\" SET \"CutoffUtc\" = NULL WHERE \"Id\" = 1", CancellationToken.None);
            deleted += batch;
            last = batch < BatchSize || cancellationToken.IsCancellationRequested;
            if (last && deleted > 0)
            {
                db.AuditEntries.Add(PurgedRow(deleted, cutoff, days));
                await db.SaveChangesAsync(CancellationToken.None);
            }

            await transaction.CommitAsync(CancellationToken.None);
        }
        while (!last);

        if (deleted > 0)
        {
            logger.LogInformation("Audit retention deleted {Deleted} audit rows older than {CutoffUtc:O} ({RetentionDays} days).", deleted, cutoff, days);
        }

        return new AuditPurgeResult(deleted, cutoff);
    }

    private AuditEntry PurgedRow(int deleted, DateTime cutoff, int days) => new()
    {
        AtUtc = clock.GetUtcNow().UtcDateTime,
        UserName = PurgeUserName,
        SourceAddress = "configuration",
        Action = AuditActions.AuditPurged,
        Outcome = AuditOutcomes.Succeeded,
        Details = string.Create(
            CultureInfo.InvariantCulture,
            $"deleted {deleted} rows older than {cutoff:yyyy-MM-ddTHH:mm:ssZ} (Portal:Audit:RetentionDays = {days})"),
    };
}
