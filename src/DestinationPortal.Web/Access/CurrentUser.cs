using System.Security.Claims;
using DestinationPortal.Core;
using DestinationPortal.Core.Access;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace DestinationPortal.Web.Access;

/// <summary>
/// The user behind the current circuit, request or hub invocation, kept in a scoped service so Core code can check
/// roles and stamp "by whom, from where" without knowing about Blazor or HTTP.
/// </summary>
public sealed class CurrentUser : ICurrentUser
{
    public const string AnonymousName = "anonymous";

    public ClaimsPrincipal Principal { get; set; } = new(new ClaimsIdentity());

    public string? SourceAddress { get; set; }

    public string Name => Principal.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : AnonymousName;

    public string? UserId => Principal.Identity is { IsAuthenticated: true } ? Principal.FindFirstValue(ClaimTypes.NameIdentifier) : null;

    public PortalRole? Role => Principal.Identity is { IsAuthenticated: true } ? PortalRoles.Parse(Principal.FindFirstValue(ClaimTypes.Role)) : null;

    /// <summary>Fills the user from an HTTP request: pages rendered on the server, API calls, the hub's connection.</summary>
    public void SetFrom(HttpContext context)
    {
        Principal = context.User;
        SourceAddress = context.Connection.RemoteIpAddress?.ToString();
    }
}

/// <summary>Copies the circuit's authentication state into <see cref="CurrentUser"/> when the circuit opens and whenever it changes.</summary>
internal sealed class CurrentUserCircuitHandler(AuthenticationStateProvider authentication, CurrentUser user) : CircuitHandler, IDisposable
{
    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        authentication.AuthenticationStateChanged += OnAuthenticationChanged;
        user.Principal = (await authentication.GetAuthenticationStateAsync()).User;
    }

    // An event handler cannot be awaited; a faulted state task keeps the previous principal instead of
    // surfacing as an unobserved exception.
    private void OnAuthenticationChanged(Task<AuthenticationState> state) =>
        state.ContinueWith(
            completed => user.Principal = completed.Result.User,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    public void Dispose() => authentication.AuthenticationStateChanged -= OnAuthenticationChanged;
}
