using DestinationPortal.Core.ConnectionTesting;
using StackExchange.Redis;

namespace DestinationPortal.Web.LiveEvents;

/// <summary>
/// Decides which messages from the channel reach this instance's watchers: another instance's, well formed, and newer
/// than the last one taken from that instance, so each event arrives once and every run in order even if a message is
/// repeated. One counter per sending instance, not per run: a run abandoned half-way leaves nothing behind here.
/// Called from the relay's one receive loop only.
/// </summary>
internal sealed class RelayReceiver(ILogger logger)
{
    // A sender not heard from for this long has stopped; a restart comes back under a new id.
    private static readonly TimeSpan Forget = TimeSpan.FromHours(1);

    private readonly Dictionary<Guid, (long Sequence, DateTime SeenUtc)> _senders = [];
    private bool _warnedMalformed;

    public LiveTestEvent? Accept(RedisValue payload, Guid self)
    {
        if (!RelayMessage.TryParse(payload, out var message))
        {
            if (!_warnedMalformed)
            {
                _warnedMalformed = true;
                logger.LogWarning("A message on the portal's Redis channel was not a live test event and was ignored (logged once)");
            }

            return null;
        }

        if (message.Origin == self)
        {
            return null;
        }

        var now = DateTime.UtcNow;
        if (_senders.TryGetValue(message.Origin, out var last))
        {
            if (message.Sequence <= last.Sequence)
            {
                return null;
            }
        }
        else
        {
            foreach (var stale in _senders.Where(s => now - s.Value.SeenUtc > Forget).Select(s => s.Key).ToList())
            {
                _senders.Remove(stale);
            }
        }

        _senders[message.Origin] = (message.Sequence, now);
        return message.ToLiveEvent();
    }
}
