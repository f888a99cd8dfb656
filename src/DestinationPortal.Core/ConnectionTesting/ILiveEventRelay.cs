namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// Carries this instance's runs to the portal's other instances (docs/scale-out.md), so their watchers see them too.
/// <see cref="Offer"/> is called on the run's own path, after local delivery: it must return at once and never fail,
/// whatever state the transport is in.
/// </summary>
public interface ILiveEventRelay
{
    void Offer(LiveTestEvent live);
}
