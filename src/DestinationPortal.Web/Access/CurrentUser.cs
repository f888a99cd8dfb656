using System.Security.Claims;
using DestinationPortal.Core;
using DestinationPortal.Core.Access;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace DestinationPortal.Web.Access;

/// <summary>
/// The web host's <see cref="ICurrentUser"/>, one per DI scope. Each host kind sets it in exactly one place: a request
/// in <see cref="PortalAccessMiddleware.UseCurrentUser"/>, a circuit in <see cref="CircuitCurrentUser"/>, a hub call in
/// <see cref="HubCallerFilter"/>. Everything else reads <see cref="User"/>, an immutable snapshot.
/// </summary>
public sealed class CurrentUser : ICurrentUser
{
    public UserSnapshot User { get; private set; } = UserSnapshot.Anonymous();

    internal void Set(UserSnapshot user) => User = user;

    /// <summary>The snapshot of an authenticated principal (its id, name and role claims), or anonymous.</summary>
    public static UserSnapshot From(ClaimsPrincipal principal, string? sourceAddress)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name }
               && principal.FindFirstValue(ClaimTypes.NameIdentifier) is { Length: > 0 } id
            ? new UserSnapshot(id, name, PortalRoles.Parse(principal.FindFirstValue(ClaimTypes.Role)), sourceAddress)
            : UserSnapshot.Anonymous(sourceAddress);
    }
}

/// <summary>
/// Sets a circuit's <see cref="CurrentUser"/> when the circuit opens and again whenever its authentication state
/// changes: when <see cref="PortalAuthenticationStateProvider"/> finds the user disabled, demoted or reset, the state
/// becomes anonymous and so does the snapshot every service of the circuit reads.
/// </summary>
internal sealed class CircuitCurrentUser(AuthenticationStateProvider authentication, CurrentUser user) : CircuitHandler, IDisposable
{
    private readonly Lock _lock = new();
    private ClaimsPrincipal _principal = new(new ClaimsIdentity());
    private string? _sourceAddress;
    private bool _opened;

    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        authentication.AuthenticationStateChanged += OnAuthenticationChanged;
        var state = await authentication.GetAuthenticationStateAsync();
        lock (_lock)
        {
            _opened = true;
        }

        Update(state.User, address: null);
    }

    /// <summary>
    /// The client's address as the page request that started the circuit saw it (App.razor hands it to Routes): a
    /// circuit has no HTTP request of its own to read it from. Ignored while prerendering, where the request's own
    /// snapshot (with its address) already holds.
    /// </summary>
    public void UseSourceAddress(string? sourceAddress) => Update(principal: null, sourceAddress);

    public void Dispose() => authentication.AuthenticationStateChanged -= OnAuthenticationChanged;

    // An event handler cannot be awaited; a faulted state task keeps the previous snapshot instead of surfacing as an
    // unobserved exception.
    private void OnAuthenticationChanged(Task<AuthenticationState> state) =>
        state.ContinueWith(
            completed => Update(completed.Result.User, address: null),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    private void Update(ClaimsPrincipal? principal, string? address)
    {
        lock (_lock)
        {
            if (!_opened)
            {
                return;
            }

            _principal = principal ?? _principal;
            _sourceAddress ??= address;
            user.Set(CurrentUser.From(_principal, _sourceAddress));
        }
    }
}
