using System.Threading.Channels;
using DestinationPortal.Core.ConnectionTesting;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Web.LiveEvents;

/// <summary>
/// Where this instance's runs wait for <see cref="RedisEventRelay"/> to send them on. Bounded: while Redis is slow or down
/// the oldest waiting events are dropped and counted (other instances' watchers miss them and re-read the history on a
/// later Result), and a run never waits. Without <see cref="PortalRedisOptions.Configuration"/> nothing is kept at all.
/// </summary>
public sealed class RelayOutbox : ILiveEventRelay
{
    /// <summary>About a hundred runs' events: a few seconds of Redis trouble on a busy portal.</summary>
    public const int Capacity = 1024;

    private readonly bool _enabled;
    private readonly ILogger<RelayOutbox> _logger;
    private readonly Channel<LiveTestEvent> _events;
    private long _dropped;
    private int _warned;

    public RelayOutbox(IOptions<PortalRedisOptions> options, ILogger<RelayOutbox> logger)
    {
        _enabled = options.Value.IsConfigured;
        _logger = logger;
        _events = Channel.CreateBounded<LiveTestEvent>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            OnDropped);
    }

    /// <summary>Events dropped since start-up, never sent to the other instances.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public ChannelReader<LiveTestEvent> Reader => _events.Reader;

    public void Offer(LiveTestEvent live)
    {
        if (_enabled)
        {
            // Never false while open: a full channel drops its oldest event instead.
            _events.Writer.TryWrite(live);
        }
    }

    /// <summary>For events the relay took but could not send (Redis down): counted as dropped like the rest.</summary>
    public void CountUnsent(LiveTestEvent live) => OnDropped(live);

    /// <summary>Called after a successful send, so the next trouble is reported again.</summary>
    public void Recovered() => Interlocked.Exchange(ref _warned, 0);

    private void OnDropped(LiveTestEvent live)
    {
        var dropped = Interlocked.Increment(ref _dropped);
        // Once per spell of trouble, not once per event: a Redis outage on a busy portal would flood the log.
        if (Interlocked.Exchange(ref _warned, 1) == 0)
        {
            _logger.LogWarning(
                "Live test events are not reaching the other portal instances (Redis slow or unreachable); their watchers miss events until it recovers. Dropped so far: {Dropped} (latest of destination {DestinationId})",
                dropped,
                live.DestinationId);
        }
    }
}
