using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// In-process fan-out of live test events per destination, so a second administrator with the same destination open
/// (in a circuit, or through the hub) sees a run as it happens. A run must never wait for its watchers (another tab's
/// circuit, a SignalR group send): each subscriber gets its own bounded channel, read by its own loop, and
/// <see cref="Publish"/> only writes to those channels. A subscriber that falls <see cref="SubscriberCapacity"/> events
/// behind loses its oldest unread events (logged once per subscriber) and keeps the newest, ending with the run's
/// Result; the run is recorded before that Result is published, so a watcher that re-reads history on it catches up.
/// With several instances, a <see cref="ILiveEventRelay"/> takes this instance's runs to the others, and their runs come
/// back in through <see cref="PublishFromAnotherInstance"/>.
/// </summary>
public sealed class ConnectionTestBroadcaster(ILogger<ConnectionTestBroadcaster> logger, ILiveEventRelay? relay = null)
{
    /// <summary>A run has about a dozen events; this is many runs' worth for a watcher that stalls for a moment.</summary>
    public const int SubscriberCapacity = 256;

    private readonly Lock _lock = new();
    private readonly List<Subscription> _subscriptions = [];

    /// <summary>
    /// Calls <paramref name="handler"/>, one event at a time and in order, for every run of <paramref name="destinationId"/>
    /// except those started with the same <paramref name="origin"/> (the caller already has its own run's events).
    /// </summary>
    public IDisposable Subscribe(Guid destinationId, string? origin, Func<LiveTestEvent, Task> handler) =>
        Add(new Subscription(this, destinationId, origin, handler));

    /// <summary>Every destination's runs (the hub uses this to forward to SignalR groups, skipping the origin itself).</summary>
    public IDisposable SubscribeAll(Func<LiveTestEvent, Task> handler) => Add(new Subscription(this, destinationId: null, origin: null, handler));

    /// <summary>
    /// Hands <paramref name="live"/>, an event of a run started on this instance, to every matching subscriber's channel
    /// and to the relay, and returns at once.
    /// </summary>
    public void Publish(LiveTestEvent live)
    {
        Deliver(live);
        relay?.Offer(live);
    }

    /// <summary>
    /// Hands an event of a run started on another instance to this instance's subscribers only: relaying it again would
    /// echo it round the instances.
    /// </summary>
    public void PublishFromAnotherInstance(LiveTestEvent live) => Deliver(live);

    private void Deliver(LiveTestEvent live)
    {
        Subscription[] targets;
        lock (_lock)
        {
            targets = [.. _subscriptions.Where(s => s.Wants(live))];
        }

        foreach (var subscription in targets)
        {
            // Never false for a live subscription: a full channel drops its oldest item instead. False after Dispose.
            subscription.Events.Writer.TryWrite(live);
        }
    }

    private Subscription Add(Subscription subscription)
    {
        lock (_lock)
        {
            _subscriptions.Add(subscription);
        }

        subscription.Start();
        return subscription;
    }

    private void Remove(Subscription subscription)
    {
        lock (_lock)
        {
            _subscriptions.Remove(subscription);
        }
    }

    private sealed class Subscription : IDisposable
    {
        private readonly ConnectionTestBroadcaster _owner;
        private readonly Guid? _destinationId;
        private readonly string? _origin;
        private readonly Func<LiveTestEvent, Task> _handler;
        private readonly CancellationTokenSource _stop = new();
        private int _dropped;
        private int _disposed;

        public Subscription(ConnectionTestBroadcaster owner, Guid? destinationId, string? origin, Func<LiveTestEvent, Task> handler)
        {
            _owner = owner;
            _destinationId = destinationId;
            _origin = origin;
            _handler = handler;
            Events = Channel.CreateBounded<LiveTestEvent>(
                new BoundedChannelOptions(SubscriberCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
                OnDropped);
        }

        public Channel<LiveTestEvent> Events { get; }

        public bool Wants(LiveTestEvent live) =>
            (_destinationId is null || _destinationId == live.DestinationId) && (_origin is null || _origin != live.Origin);

        public void Start() => _ = Task.Run(PumpAsync);

        private async Task PumpAsync()
        {
            try
            {
                await foreach (var live in Events.Reader.ReadAllAsync(_stop.Token))
                {
                    // One slow or broken watcher must not stop the others; it only ever delays itself.
                    try
                    {
                        await _handler(live);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        _owner.LogHandlerFailure(ex, live.DestinationId);
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // Unsubscribed: what was still queued is of no use to anyone.
            }
        }

        private void OnDropped(LiveTestEvent live)
        {
            if (Interlocked.Exchange(ref _dropped, 1) == 0)
            {
                _owner.LogFellBehind(live.DestinationId);
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            _owner.Remove(this);
            Events.Writer.TryComplete();
            _stop.Cancel();
            _stop.Dispose();
        }
    }

    private void LogHandlerFailure(Exception ex, Guid destinationId) =>
        logger.LogWarning(ex, "A watcher of destination {DestinationId} failed to take a test event", destinationId);

    private void LogFellBehind(Guid destinationId) =>
        logger.LogWarning(
            "A watcher of destination {DestinationId} fell {Capacity} test events behind; its oldest unread events are dropped (logged once per watcher)",
            destinationId,
            SubscriberCapacity);
}

/// <summary>
/// A test event of a stored destination, with who started the run and where (<see cref="Origin"/>: an opaque id of the
/// page or hub connection that started it, or null), so that origin is not sent its own events back.
/// </summary>
public sealed record LiveTestEvent(Guid DestinationId, string StartedBy, ConnectionTestEvent Event, string? Origin = null);
