using System.Runtime.CompilerServices;
using DestinationPortal.Core.Access;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Web.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace DestinationPortal.Web.Hubs;

/// <summary>What the hub calls on its clients. Contract: docs/api.md.</summary>
public interface IConnectionTestClient
{
    /// <summary>A live event of a run of a destination this connection watches (started by anyone, anywhere).</summary>
    Task TestEvent(Guid destinationId, string startedBy, ConnectionTestEvent testEvent);
}

/// <summary>
/// Test Connection for scripts and other tools: stream a run of a stored destination, or watch a destination's runs.
/// Thin by design: <see cref="DestinationTestRunner"/> does the work and checks the role, as it does for the screens.
/// Connecting needs a signed-in user (cookie or bearer token); a connection lives long, so every invocation re-checks
/// that its user still exists, is enabled and has the same security stamp (<see cref="HubCallerFilter"/>, which also
/// sets the caller as the invocation's <see cref="Core.ICurrentUser"/>).
/// </summary>
[Authorize(Policy = PortalPolicies.ViewDestinations)]
public sealed class ConnectionTestHub(DestinationTestRunner runner) : Hub<IConnectionTestClient>
{
    public const string Path = "/hubs/connection-tests";

    public static string GroupName(Guid destinationId) => "destination:" + destinationId.ToString("N");

    /// <summary>Tests the stored destination as saved and streams its events; ends with the Result event.</summary>
    public async IAsyncEnumerable<ConnectionTestEvent> TestDestination(Guid destinationId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IAsyncEnumerator<ConnectionTestEvent> events = runner.TestSavedAsync(destinationId, Context.ConnectionId, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            // The role check runs at the first step; a denial reaches the client as a HubException with its reason.
            bool more;
            try
            {
                more = await events.MoveNextAsync();
            }
            catch (PortalAccessDeniedException denied)
            {
                throw new HubException("Forbidden: " + denied.Message);
            }

            while (more)
            {
                yield return events.Current;
                more = await events.MoveNextAsync();
            }
        }
        finally
        {
            await events.DisposeAsync();
        }
    }

    public Task WatchDestination(Guid destinationId) => Groups.AddToGroupAsync(Context.ConnectionId, GroupName(destinationId));

    public Task UnwatchDestination(Guid destinationId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupName(destinationId));
}

/// <summary>
/// Forwards every live test event (from the screens or the hub) to the SignalR group watching that destination. The
/// broadcaster calls this from the subscription's own loop, so a slow group send never holds up a run.
/// </summary>
internal sealed class ConnectionTestHubForwarder(ConnectionTestBroadcaster broadcaster, IHubContext<ConnectionTestHub, IConnectionTestClient> hub) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // A run started through this hub has the connection's id as its origin: that connection has it from its stream.
        _subscription = broadcaster.SubscribeAll(live =>
            (live.Origin is { } origin
                ? hub.Clients.GroupExcept(ConnectionTestHub.GroupName(live.DestinationId), [origin])
                : hub.Clients.Group(ConnectionTestHub.GroupName(live.DestinationId)))
            .TestEvent(live.DestinationId, live.StartedBy, live.Event));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }
}
