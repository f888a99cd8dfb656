using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>Stores finished runs of stored destinations: the last result for the grid and the latest runs for the details page.</summary>
public sealed class ConnectionTestHistory(IDbContextFactory<PortalDbContext> dbFactory, IWriteGate writeGate)
{
    public const int RunsKept = 20;

    /// <summary>
    /// Saves the run and trims the destination's history to <see cref="RunsKept"/>. The destination's "last test" changes
    /// only when the run tested the stored definition, not unsaved edits, and (when <paramref name="tested"/> is given)
    /// only while the stored connection fields are still the tested ones: a save during the run made it stale. A
    /// cancelled run says Cancelled, never Failed. <paramref name="audit"/>, the run's audit row, is written in the same
    /// commit (alone when the destination is gone), so a saved test costs one commit, not three. False when the
    /// destination no longer exists.
    /// </summary>
    public Task<bool> RecordAsync(
        ConnectionTestRunRecord run, DestinationDefinition? tested = null, AuditEntry? audit = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        return SaveAsync(run, tested, audit, commit: true, cancellationToken);
    }

    /// <summary>
    /// <see cref="RecordAsync"/>'s statements for a made-up run of the first stored destination, rolled back: nothing is
    /// kept, nothing is announced. The first saved test after a start spent more than a hundred milliseconds on EF's
    /// first save of these entities and its first trim query (issue 16); <see cref="FirstUseWarmUp"/> pays that instead.
    /// </summary>
    internal async Task WarmUpAsync(DateTime nowUtc, CancellationToken cancellationToken)
    {
        Guid? any;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            any = await db.Destinations.AsNoTracking().OrderBy(d => d.Id).Select(d => (Guid?)d.Id).FirstOrDefaultAsync(cancellationToken);
        }

        if (any is { } destinationId)
        {
            var run = new ConnectionTestRunRecord
            {
                Id = Guid.CreateVersion7(), DestinationId = destinationId, StartedAtUtc = nowUtc, StartedBy = "warm-up", Target = "warm-up",
                Explanation = "warm-up", ReportText = "warm-up",
            };
            await SaveAsync(run, tested: null, audit: null, commit: false, cancellationToken);
        }
    }

    private async Task<bool> SaveAsync(
        ConnectionTestRunRecord run, DestinationDefinition? tested, AuditEntry? audit, bool commit, CancellationToken cancellationToken)
    {
        // Held from the save through the trim (ExecuteDelete is not a SaveChanges), so the kept runs are the latest.
        using var _ = await writeGate.EnterAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (audit is not null)
        {
            db.AuditEntries.Add(audit);
        }

        var destination = await db.Destinations.SingleOrDefaultAsync(d => d.Id == run.DestinationId, cancellationToken);
        if (destination is null)
        {
            await db.SaveChangesAsync(cancellationToken);
            return false;
        }

        db.TestRuns.Add(run);
        if (!run.TestedUnsavedChanges && (tested is null || ConnectionFields.Same(tested, destination.ToDefinition())))
        {
            // Not a user edit: the concurrency token stays, so an open editor is not told someone else saved.
            destination.RecordTest(LastTestStatuses.Of(run), run.StartedAtUtc);
        }

        // One transaction for the save and the trim: each commit is an fsync (SQLite) or a WAL flush (PostgreSQL), and
        // the save's own savepoint would only add statements to a transaction that is rolled back whole anyway.
        db.Database.AutoSavepointsEnabled = false;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);

        var stale = await NewestFirst(db.TestRuns, run.DestinationId)
            .Skip(RunsKept).Select(r => r.Id)
            .ToListAsync(cancellationToken);
        if (stale.Count > 0)
        {
            await db.TestRuns.Where(r => stale.Contains(r.Id)).ExecuteDeleteAsync(cancellationToken);
        }

        if (commit)
        {
            await transaction.CommitAsync(cancellationToken);
        }
        else
        {
            await transaction.RollbackAsync(cancellationToken);
        }

        return true;
    }

    public async Task<IReadOnlyList<ConnectionTestRunRecord>> LatestAsync(Guid destinationId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Latest(db, destinationId).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// The same runs as <see cref="LatestAsync"/>, for a list of them (Destination Details' Recent tests): everything but
    /// the report text, which is left empty. A page keeps what it shows for as long as its tab is open, and a full
    /// history's reports were most of what a Details tab kept of it (decision 58).
    /// </summary>
    public async Task<IReadOnlyList<ConnectionTestRunRecord>> LatestForListAsync(Guid destinationId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Latest(db, destinationId)
            .Select(r => new ConnectionTestRunRecord
            {
                Id = r.Id,
                DestinationId = r.DestinationId,
                StartedAtUtc = r.StartedAtUtc,
                StartedBy = r.StartedBy,
                Target = r.Target,
                TestedUnsavedChanges = r.TestedUnsavedChanges,
                Succeeded = r.Succeeded,
                ProblemStage = r.ProblemStage,
                Category = r.Category,
                Explanation = r.Explanation,
                SqlState = r.SqlState,
                TotalMilliseconds = r.TotalMilliseconds,
                ReportText = "",
            })
            .ToListAsync(cancellationToken);
    }

    /// <summary>The runs <see cref="LatestAsync"/> and <see cref="LatestForListAsync"/> read: one query, so they always agree.</summary>
    private static IQueryable<ConnectionTestRunRecord> Latest(PortalDbContext db, Guid destinationId) =>
        NewestFirst(db.TestRuns.AsNoTracking(), destinationId).Take(RunsKept);

    /// <summary>The order that decides which runs are kept: the trim deletes past <see cref="RunsKept"/> in it, the readers take up to it.</summary>
    private static IQueryable<ConnectionTestRunRecord> NewestFirst(IQueryable<ConnectionTestRunRecord> runs, Guid destinationId) =>
        runs.Where(r => r.DestinationId == destinationId).OrderByDescending(r => r.StartedAtUtc).ThenByDescending(r => r.Id);
}
