using Npgsql;

namespace DestinationPortal.Core.Persistence;

/// <summary>
/// The write gate on a shared PostgreSQL store: a section holds a session advisory lock (<see cref="PostgresSessionLock"/>)
/// that every instance waits for, so the last-administrator rule, a save's name check and an import's all-or-nothing
/// hold across instances as they do in one process. Within a process, waiters queue on a semaphore first, so one
/// instance never holds more than one lock connection. Re-entrant within one async flow, like <see cref="SqliteWriteGate"/>.
/// </summary>
public sealed class PostgresWriteGate(NpgsqlDataSource locks) : IWriteGate, IDisposable
{
    private static readonly IDisposable AlreadyHeld = new Hold(null);

    private readonly SemaphoreSlim _local = new(1, 1);
    private readonly AsyncLocal<Hold?> _hold = new();

    public bool IsHeld => _hold.Value is { IsActive: true };

    public bool SerializesEverySave => false;

    public Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        if (IsHeld)
        {
            return Task.FromResult(AlreadyHeld);
        }

        // Set in the caller's flow (this method is not async), so the sections inside see it.
        var hold = new Hold(_local);
        _hold.Value = hold;
        return AcquireAsync(hold, cancellationToken);
    }

    public IDisposable Enter()
    {
        if (IsHeld)
        {
            return AlreadyHeld;
        }

        var hold = new Hold(_local);
        _hold.Value = hold;
        _local.Wait();
        try
        {
            hold.Activate(PostgresSessionLock.Acquire(locks, PostgresSessionLock.WriteKey));
        }
        catch
        {
            _local.Release();
            throw;
        }

        return hold;
    }

    public void Dispose()
    {
        _local.Dispose();
        locks.Dispose();
    }

    private async Task<IDisposable> AcquireAsync(Hold hold, CancellationToken cancellationToken)
    {
        await _local.WaitAsync(cancellationToken);
        try
        {
            hold.Activate(await PostgresSessionLock.AcquireAsync(locks, PostgresSessionLock.WriteKey, cancellationToken));
        }
        catch
        {
            _local.Release();
            throw;
        }

        return hold;
    }

    private sealed class Hold(SemaphoreSlim? local) : IDisposable
    {
        private PostgresSessionLock? _lock;
        private int _state; // 0 waiting, 1 held, 2 released

        public bool IsActive => Volatile.Read(ref _state) == 1;

        public void Activate(PostgresSessionLock sessionLock)
        {
            _lock = sessionLock;
            Volatile.Write(ref _state, 1);
        }

        public void Dispose()
        {
            if (local is not null && Interlocked.CompareExchange(ref _state, 2, 1) == 1)
            {
                _lock!.Dispose();
                local.Release();
            }
        }
    }
}
