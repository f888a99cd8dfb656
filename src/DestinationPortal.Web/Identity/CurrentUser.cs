using System.Security.Claims;
using DestinationPortal.Core;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace DestinationPortal.Web.Identity;

/// <summary>
/// The user behind the current circuit, kept in a scoped service so Core code can stamp "by whom" without
/// knowing about Blazor. Until sign-in exists every caller is anonymous.
/// </summary>
public sealed class CurrentUser : ICurrentUser
{
    public const string AnonymousName = "anonymous";

    public ClaimsPrincipal Principal { get; set; } = new(new ClaimsIdentity());

    public string Name => Principal.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : AnonymousName;
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
