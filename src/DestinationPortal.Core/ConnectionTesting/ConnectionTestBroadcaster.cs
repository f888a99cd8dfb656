using Microsoft.Extensions.Logging;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// In-process fan-out of live test events per destination, so a second administrator with the same destination open
/// (in a circuit, or through the hub) sees a run as it happens. Subscribers must not block: they are called inline.
/// </summary>
public sealed class ConnectionTestBroadcaster(ILogger<ConnectionTestBroadcaster> logger)
{
    private readonly Lock _lock = new();
    private readonly List<(Guid DestinationId, Func<LiveTestEvent, Task> Handler)> _subscribers = [];

    public IDisposable Subscribe(Guid destinationId, Func<LiveTestEvent, Task> handler)
    {
        var entry = (destinationId, handler);
        lock (_lock)
        {
            _subscribers.Add(entry);
        }

        return new Subscription(() =>
        {
            lock (_lock)
            {
                _subscribers.Remove(entry);
            }
        });
    }

    /// <summary>Subscribes to every destination (the hub uses this to forward to SignalR groups).</summary>
    public IDisposable SubscribeAll(Func<LiveTestEvent, Task> handler) => Subscribe(Guid.Empty, handler);

    public async Task PublishAsync(LiveTestEvent live)
    {
        Func<LiveTestEvent, Task>[] handlers;
        lock (_lock)
        {
            handlers = [.. _subscribers.Where(s => s.DestinationId == live.DestinationId || s.DestinationId == Guid.Empty).Select(s => s.Handler)];
        }

        foreach (var handler in handlers)
        {
            // One slow or broken watcher must not stop the run or the other watchers.
            try
            {
                await handler(live);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "A watcher of destination {DestinationId} failed to take a test event", live.DestinationId);
            }
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                dispose();
            }
        }
    }
}

/// <summary>A test event of a stored destination, with who started the run.</summary>
public sealed record LiveTestEvent(Guid DestinationId, string StartedBy, ConnectionTestEvent Event);
