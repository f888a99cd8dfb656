using System.Runtime.CompilerServices;
using System.Security.Claims;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Web.Identity;
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
/// Thin by design: <see cref="DestinationTestRunner"/> does the work, as it does for the screens. When sign-in lands
/// this hub gets [Authorize] and a role policy; the caller's principal already flows into <see cref="CurrentUser"/>.
/// </summary>
public sealed class ConnectionTestHub(DestinationTestRunner runner, CurrentUser currentUser) : Hub<IConnectionTestClient>
{
    public const string Path = "/hubs/connection-tests";

    public static string GroupName(Guid destinationId) => "destination:" + destinationId.ToString("N");

    /// <summary>Tests the stored destination as saved and streams its events; ends with the Result event.</summary>
    public async IAsyncEnumerable<ConnectionTestEvent> TestDestination(Guid destinationId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A new scope serves each invocation, so the caller is set here, before the runner reads it (the per-user cap).
        currentUser.Principal = Context.User ?? new ClaimsPrincipal(new ClaimsIdentity());
        await foreach (var item in runner.TestSavedAsync(destinationId, cancellationToken))
        {
            yield return item;
        }
    }

    public Task WatchDestination(Guid destinationId) => Groups.AddToGroupAsync(Context.ConnectionId, GroupName(destinationId));

    public Task UnwatchDestination(Guid destinationId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupName(destinationId));
}

/// <summary>Forwards every live test event (from the screens or the hub) to the SignalR group watching that destination.</summary>
internal sealed class ConnectionTestHubForwarder(ConnectionTestBroadcaster broadcaster, IHubContext<ConnectionTestHub, IConnectionTestClient> hub) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = broadcaster.SubscribeAll(live =>
            hub.Clients.Group(ConnectionTestHub.GroupName(live.DestinationId)).TestEvent(live.DestinationId, live.StartedBy, live.Event));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }
}
