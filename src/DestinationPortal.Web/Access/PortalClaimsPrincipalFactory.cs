using System.Security.Claims;
using DestinationPortal.Core.Access;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Web.Access;

/// <summary>
/// Adds the user's one role as a role claim, so [Authorize] policies and <see cref="CurrentUser"/> can read it, and their
/// language, so every request and circuit speaks it without a database lookup (<see cref="Localization.PortalCultureProvider"/>).
/// </summary>
internal sealed class PortalClaimsPrincipalFactory(UserManager<PortalUser> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<PortalUser>(users, options)
{
    // Identity's own claims (id, name, e-mail, security stamp) as the base class makes them, but not the base class's read
    // of the user-claims table: the portal never writes per-user claims (role and language are columns of the user), and
    // that read was a query on every API request (issue 16). The user manager's getters read the entity, not the store.
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PortalUser user)
    {
        var names = Options.ClaimsIdentity;
        var identity = new ClaimsIdentity(IdentityConstants.ApplicationScheme, names.UserNameClaimType, names.RoleClaimType);
        identity.AddClaim(new Claim(names.UserIdClaimType, await UserManager.GetUserIdAsync(user)));
        identity.AddClaim(new Claim(names.UserNameClaimType, await UserManager.GetUserNameAsync(user) ?? ""));
        if (UserManager.SupportsUserEmail && await UserManager.GetEmailAsync(user) is { Length: > 0 } email)
        {
            identity.AddClaim(new Claim(names.EmailClaimType, email));
        }

        if (UserManager.SupportsUserSecurityStamp)
        {
            identity.AddClaim(new Claim(names.SecurityStampClaimType, await UserManager.GetSecurityStampAsync(user)));
        }

        identity.AddClaim(new Claim(ClaimTypes.Role, user.Role.ToString()));
        if (Core.Localization.PortalLanguages.Normalize(user.Language) is { } language)
        {
            identity.AddClaim(new Claim(Localization.PortalCultureProvider.LanguageClaim, language));
        }

        return identity;
    }
}

/// <summary>Identity's sign-in rules plus the portal's own: a disabled user cannot sign in, nor keep a session (nor a password session that LocalSignIn no longer allows).</summary>
internal sealed class PortalSignInManager(
    UserManager<PortalUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<PortalUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<PortalUser>> logger,
    Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider schemes,
    IUserConfirmation<PortalUser> confirmation,
    IOptions<PortalAuthenticationOptions> authentication)
    : SignInManager<PortalUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(PortalUser user) => !user.IsDisabled && await base.CanSignInAsync(user);

    // Called by the cookie's periodic security-stamp check: a disabled user's cookie is refused at the next check, and so
    // is a password session that Portal:Authentication:LocalSignIn no longer allows.
    public override async Task<PortalUser?> ValidateSecurityStampAsync(ClaimsPrincipal? principal)
    {
        var user = await base.ValidateSecurityStampAsync(principal);
        return user is { IsDisabled: false, MustChangePassword: false } && PasswordSessions.StillAllowed(principal!, user, authentication.Value) ? user : null;
    }
}
