namespace DestinationPortal.Core.Persistence;

/// <summary>
/// SQLite allows one writer at a time. WAL lets readers run beside it, but two writers that race can still see
/// "database is locked" (efcore #33133), so the portal's writes queue here. <see cref="PortalDbContext"/> passes every
/// SaveChanges through it (Identity's stores included), so no writer has to remember it. A use case whose write spans
/// more than one statement (a check that must still hold when its change is saved, an explicit transaction, a bulk
/// <c>ExecuteDelete</c>) holds it around all of them with <see cref="EnterAsync"/>; the SaveChanges calls inside pass
/// straight through, because the gate is re-entrant within one async flow. A singleton: one per process.
/// </summary>
public sealed class SqliteWriteGate : IWriteGate, IDisposable
{
    private static readonly IDisposable AlreadyHeld = new Hold(null);

    private readonly SemaphoreSlim _semaphore = new(1, 1);

    // The hold of the current async flow. An object that says whether it is still held (not a bool), so that work a
    // holder started and left running sees the hold end with the holder's section instead of inheriting "held" for ever.
    private readonly AsyncLocal<Hold?> _hold = new();

    /// <summary>True while the current async flow holds the gate.</summary>
    public bool IsHeld => _hold.Value is { IsActive: true };

    public bool SerializesEverySave => true;

    /// <summary>
    /// Waits to be the only writer until the returned object is disposed; returns at once when this flow already is.
    /// Not an async method on purpose: the hold is set in the caller's async flow, where an async method's would be lost.
    /// </summary>
    public Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        if (IsHeld)
        {
            return Task.FromResult(AlreadyHeld);
        }

        var hold = new Hold(_semaphore);
        _hold.Value = hold;
        return WaitAsync(hold, cancellationToken);
    }

    /// <summary>The blocking twin of <see cref="EnterAsync"/>, for synchronous SaveChanges.</summary>
    public IDisposable Enter()
    {
        if (IsHeld)
        {
            return AlreadyHeld;
        }

        var hold = new Hold(_semaphore);
        _hold.Value = hold;
        _semaphore.Wait();
        hold.Activate();
        return hold;
    }

    public void Dispose() => _semaphore.Dispose();

    private async Task<IDisposable> WaitAsync(Hold hold, CancellationToken cancellationToken)
    {
        await _semaphore.WaitAsync(cancellationToken);
        hold.Activate();
        return hold;
    }

    private sealed class Hold(SemaphoreSlim? semaphore) : IDisposable
    {
        private int _state; // 0 waiting, 1 held, 2 released

        public bool IsActive => Volatile.Read(ref _state) == 1;

        public void Activate() => Volatile.Write(ref _state, 1);

        public void Dispose()
        {
            if (semaphore is not null && Interlocked.CompareExchange(ref _state, 2, 1) == 1)
            {
                semaphore.Release();
            }
        }
    }
}
