using System.Text.Encodings.Web;
using DestinationPortal.Core.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Web.Access;

/// <summary>
/// <c>Authorization: Bearer dpt_…</c> for <c>/api/*</c> and <c>/hubs/*</c>: the token's owner, with their current role,
/// checked on every request, so a revoked token, a disabled user or a locked-out address stops working at once. Token
/// and user come from one query, and the principal is built without another (<see cref="PortalClaimsPrincipalFactory"/>).
/// </summary>
internal sealed class ApiTokenAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "PortalToken";

    public static bool HasBearerToken(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!HasBearerToken(Request))
        {
            return AuthenticateResult.NoResult();
        }

        var presented = Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim();
        var services = Context.RequestServices;
        var user = await services.GetRequiredService<ApiTokenService>().AuthenticateAsync(presented, Context.RequestAborted);
        if (user is null)
        {
            return AuthenticateResult.Fail("The token is unknown, revoked or expired, or its user is disabled.");
        }

        // While this address is locked out of the user for guessing passwords, none of the user's credentials work from it.
        if (services.GetRequiredService<SignInAttempts>().IsLocked(user.NormalizedUserName ?? "", Context.Connection.RemoteIpAddress?.ToString()))
        {
            return AuthenticateResult.Fail("The token's user is locked out from this address.");
        }

        var principal = await services.GetRequiredService<IUserClaimsPrincipalFactory<PortalUser>>().CreateAsync(user);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
