namespace DestinationPortal.Core.Persistence;

/// <summary>
/// Serialises the portal's writes that must not interleave: a use case whose write spans more than one statement (a
/// check that must still hold when its change is saved, an explicit transaction, a bulk <c>ExecuteDelete</c>) holds the
/// gate around all of them. One gate per portal store: <see cref="SqliteWriteGate"/> in process for the embedded
/// database (one writer at a time anyway), <see cref="PostgresWriteGate"/> across every instance on a shared store.
/// </summary>
public interface IWriteGate
{
    /// <summary>True while the current async flow holds the gate.</summary>
    bool IsHeld { get; }

    /// <summary>
    /// Whether a single SaveChanges must pass the gate too. SQLite allows one writer at a time, and two that race can see
    /// "database is locked"; PostgreSQL runs concurrent single saves safely (constraints and the row version decide).
    /// </summary>
    bool SerializesEverySave { get; }

    /// <summary>Waits to be the only writer until the returned object is disposed; returns at once when this flow already is.</summary>
    Task<IDisposable> EnterAsync(CancellationToken cancellationToken);

    /// <summary>The blocking twin of <see cref="EnterAsync"/>, for synchronous SaveChanges.</summary>
    IDisposable Enter();
}
