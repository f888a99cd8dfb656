namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// Caps tests in flight, overall and per user (threat T9: a test is an outbound connection held for up to the
/// timeout, so unbounded clicks would be a DoS lever). Singleton; a refused test returns at once with a Busy result.
/// Counts this process only: the gate of a single instance on SQLite.
/// </summary>
public sealed class ConnectionTestGate : IConnectionTestGate
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _perUser = new(StringComparer.Ordinal);
    private int _total;

    public int InFlight
    {
        get
        {
            lock (_lock)
            {
                return _total;
            }
        }
    }

    /// <summary>A lease to dispose when the test ends, or null when a cap is reached.</summary>
    public IDisposable? TryEnter(string user, int maxTotal, int maxPerUser) => Enter(user, maxTotal, maxPerUser);

    /// <inheritdoc />
    /// <remarks>A process's own leases need no expiry: they end with the process.</remarks>
    public ValueTask<IAsyncDisposable?> TryEnterAsync(string user, int maxTotal, int maxPerUser, TimeSpan hold, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IAsyncDisposable?>(Enter(user, maxTotal, maxPerUser));

    private Lease? Enter(string user, int maxTotal, int maxPerUser)
    {
        lock (_lock)
        {
            var mine = _perUser.GetValueOrDefault(user);
            if (_total >= maxTotal || mine >= maxPerUser)
            {
                return null;
            }

            _total++;
            _perUser[user] = mine + 1;
            return new Lease(this, user);
        }
    }

    private void Leave(string user)
    {
        lock (_lock)
        {
            _total--;
            if (--_perUser[user] == 0)
            {
                _perUser.Remove(user);
            }
        }
    }

    private sealed class Lease(ConnectionTestGate gate, string user) : IDisposable, IAsyncDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                gate.Leave(user);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
