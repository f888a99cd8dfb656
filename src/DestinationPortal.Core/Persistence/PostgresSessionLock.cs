using Npgsql;

namespace DestinationPortal.Core.Persistence;

/// <summary>
/// A PostgreSQL session-level advisory lock held on a connection of its own: every portal instance on the store waits
/// for the same key, and a holder that dies (killed process, lost network) frees it with its session, so no crash
/// leaves a lock behind (EF's SQLite migration lock has that problem; this one cannot).
/// </summary>
public sealed class PostgresSessionLock : IDisposable, IAsyncDisposable
{
    /// <summary>Sections that must not interleave across instances (<see cref="PostgresWriteGate"/>).</summary>
    public const long WriteKey = 0x44_50_57_47; // "DPWG"

    /// <summary>Start-up: migrating, creating the first Data Protection key and the first administrator.</summary>
    public const long StartupKey = 0x44_50_53_55; // "DPSU"

    private readonly NpgsqlConnection _connection;

    private PostgresSessionLock(NpgsqlConnection connection) => _connection = connection;

    /// <summary>
    /// Waits for <paramref name="key"/> on a connection of <paramref name="locks"/>, a data source without pooling: closing
    /// the connection must end the session, and with it the lock (<see cref="CreateDataSource"/>).
    /// </summary>
    public static async Task<PostgresSessionLock> AcquireAsync(NpgsqlDataSource locks, long key, CancellationToken cancellationToken)
    {
        var connection = await locks.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection) { Parameters = { new() { Value = key } }, CommandTimeout = WaitSeconds(key) };
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new PostgresSessionLock(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The blocking twin of <see cref="AcquireAsync"/>.</summary>
    public static PostgresSessionLock Acquire(NpgsqlDataSource locks, long key)
    {
        var connection = locks.OpenConnection();
        try
        {
            using var command = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection) { Parameters = { new() { Value = key } }, CommandTimeout = WaitSeconds(key) };
            command.ExecuteNonQuery();
            return new PostgresSessionLock(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// How long a wait may last, in Npgsql's seconds (0 = no limit). An instance starting behind another one that migrates
    /// must wait for as long as that takes (the default 30 s crashed a second instance on a loaded machine); it is still
    /// ended by the host's cancellation. Write sections are short: a wait beyond the default means something is stuck.
    /// </summary>
    private static int WaitSeconds(long key) => key == StartupKey ? 0 : 30;

    /// <summary>A data source for lock sessions: unpooled, so that closing a connection ends its session and frees its locks.</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString) =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = "DestinationPortal locks" });

    public void Dispose() => _connection.Dispose();

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
