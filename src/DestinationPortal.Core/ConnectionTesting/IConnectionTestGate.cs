namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// Admits a connection test under the operator's caps, overall and per user (threat T9). One process on SQLite
/// (<see cref="ConnectionTestGate"/>); every instance of a shared PostgreSQL store (<see cref="PostgresConnectionTestGate"/>).
/// </summary>
public interface IConnectionTestGate
{
    /// <summary>
    /// A lease to dispose when the test ends, or null when a cap is reached. <paramref name="hold"/> is the longest the
    /// run can last (its deadline): a lease its instance never gives back (a crash) is freed after that by itself.
    /// </summary>
    ValueTask<IAsyncDisposable?> TryEnterAsync(string user, int maxTotal, int maxPerUser, TimeSpan hold, CancellationToken cancellationToken);
}
