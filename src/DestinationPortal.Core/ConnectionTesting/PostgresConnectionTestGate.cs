using Microsoft.Extensions.Logging;
using Npgsql;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// The test caps across every instance of a shared PostgreSQL store: a run holds a row of the "TestLeases" table. Rows
/// carry an expiry by the database's clock (the run's deadline plus <see cref="Slack"/>), so the slots of an instance
/// killed mid-test free themselves without anyone cleaning up, and no instance's own clock matters.
/// </summary>
public sealed class PostgresConnectionTestGate(NpgsqlDataSource store, ILogger<PostgresConnectionTestGate> logger) : IConnectionTestGate, IDisposable
{
    /// <summary>Identifies the admission section among the portal's advisory locks (see <c>PostgresSessionLock</c>).</summary>
    public const long AdmissionKey = 0x44_50_54_4C; // "DPTL"

    /// <summary>Beyond the run's deadline: covers the time between admission and the run's start, and the release itself.</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromSeconds(30);

    // A release waits no longer than this for the store: the run's result must not wait on it, and the expiry frees a
    // lease that could not be deleted.
    private static readonly TimeSpan ReleaseLimit = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public async ValueTask<IAsyncDisposable?> TryEnterAsync(string user, int maxTotal, int maxPerUser, TimeSpan hold, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid();
        // One transaction under a transaction-scoped advisory lock, so that two admissions on any instances never both
        // count the same free slot: drop expired leases, then insert only while both caps leave room.
        await using var connection = await store.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1)") { Parameters = { new() { Value = AdmissionKey } } },
                new NpgsqlBatchCommand("""DELETE FROM "TestLeases" WHERE "ExpiresAt" <= now()"""),
                new NpgsqlBatchCommand("""
                    INSERT INTO "TestLeases" ("Id", "UserName", "ExpiresAt")
                    SELECT $1, $2, now() + $3
                    WHERE (SELECT count(*) FROM "TestLeases") < $4
                      AND (SELECT count(*) FROM "TestLeases" WHERE "UserName" = $2) < $5
                    """)
                {
                    Parameters =
                    {
                        new() { Value = id },
                        new() { Value = user },
                        new() { Value = hold + Slack },
                        new() { Value = (long)maxTotal },
                        new() { Value = (long)maxPerUser },
                    },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
        var admitted = batch.BatchCommands[2].RecordsAffected == 1;
        await transaction.CommitAsync(cancellationToken);
        return admitted ? new Lease(this, id) : null;
    }

    public void Dispose() => store.Dispose();

    private async ValueTask ReleaseAsync(Guid id)
    {
        try
        {
            using var limit = new CancellationTokenSource(ReleaseLimit);
            await using var connection = await store.OpenConnectionAsync(limit.Token);
            await using var command = new NpgsqlCommand("""DELETE FROM "TestLeases" WHERE "Id" = $1""", connection) { Parameters = { new() { Value = id } } };
            await command.ExecuteNonQueryAsync(limit.Token);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not give back connection test lease {LeaseId}; it frees itself when it expires.", id);
        }
    }

    private sealed class Lease(PostgresConnectionTestGate gate, Guid id) : IAsyncDisposable
    {
        private int _disposed;

        public ValueTask DisposeAsync() => Interlocked.Exchange(ref _disposed, 1) == 0 ? gate.ReleaseAsync(id) : ValueTask.CompletedTask;
    }
}
