using System.Security.Claims;
using DestinationPortal.Core.Access;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Web.Access;

/// <summary>Why an external sign-in did not let the person in; the refusal page words each (ExternalRefused.razor).</summary>
public enum ExternalRefusal
{
    /// <summary>The provider's answer failed the handler's checks (state, nonce, PKCE, issuer, audience, lifetime).</summary>
    Failed,
    NoMappedGroup,
    NoUserName,
    NameTaken,
    Disabled,

    /// <summary>Windows sign-in: no portal user of the principal's name, and unknown users are not created.</summary>
    UnknownUser,

    /// <summary>Windows sign-in: the principal is not a user of the configured realm.</summary>
    OtherRealm,
}

public sealed record ExternalSignInResult(PortalUser? User, ExternalRefusal? Refusal);

/// <summary>
/// Maps a person the provider vouched for to a portal user through Identity's user logins (issuer + subject, never the
/// name: a provider-side rename or a local account of the same name must not hand over someone else's account). The
/// role follows the provider's groups at every sign-in. Creation, role changes and refusals are audited.
/// </summary>
public sealed class ExternalAccounts(
    UserManager<PortalUser> users,
    PortalDbContext db,
    AuditLog audit,
    IOptions<OidcSignInOptions> options,
    TimeProvider clock)
{
    public async Task<ExternalSignInResult> ResolveAsync(ClaimsPrincipal external)
    {
        var settings = options.Value;
        var subject = external.FindFirst("sub");
        var userName = external.FindFirst(settings.UserNameClaim)?.Value?.Trim();
        var auditName = userName is { Length: > 0 } ? userName : subject?.Value ?? "unknown";
        if (subject is null || string.IsNullOrWhiteSpace(subject.Value) || string.IsNullOrEmpty(userName))
        {
            return await RefuseAsync(auditName, ExternalRefusal.NoUserName, $"no '{settings.UserNameClaim}' or 'sub' claim");
        }

        var groups = external.FindAll(settings.GroupsClaim).Select(c => c.Value).ToList();
        var role = settings.RoleMapping.RoleFor(groups);
        var provider = LoginProvider(subject);
        var user = await users.FindByLoginAsync(provider, subject.Value);
        if (role is not { } mapped)
        {
            return await RefuseAsync(user?.UserName ?? auditName, ExternalRefusal.NoMappedGroup, $"no mapped group ({groups.Count} groups from the provider)");
        }

        if (user is null)
        {
            if (await users.FindByNameAsync(userName) is not null || UserNameRule.Problem(userName) is not null)
            {
                return await RefuseAsync(auditName, ExternalRefusal.NameTaken, "the provider's user name is taken by another account or not a valid portal user name");
            }

            user = new PortalUser { UserName = userName, Role = mapped, CreatedAtUtc = clock.GetUtcNow().UtcDateTime, LockoutEnabled = true };
            db.AuditEntries.Add(audit.Entry(AuditActions.UserCreated, userName: userName, details: $"user {userName} with role {mapped} at first external sign-in ({provider})"));
            var created = await users.CreateAsync(user);
            if (!created.Succeeded || !(await users.AddLoginAsync(user, new UserLoginInfo(provider, subject.Value, provider))).Succeeded)
            {
                return await RefuseAsync(auditName, ExternalRefusal.NameTaken, "the user could not be created");
            }

            return new(user, null);
        }

        if (user.IsDisabled)
        {
            return await RefuseAsync(user.UserName!, ExternalRefusal.Disabled, "account disabled");
        }

        if (user.Role != mapped)
        {
            db.AuditEntries.Add(audit.Entry(AuditActions.UserRoleChanged, userName: user.UserName, details: $"user {user.UserName}: {user.Role} → {mapped} from the provider's groups"));
            user.Role = mapped;
            // A new stamp, so the user's other open sessions pick up the new role at their next revalidation.
            await users.UpdateSecurityStampAsync(user);
        }

        return new(user, null);
    }

    /// <summary>The issuer names the login provider: a subject is only unique at the provider that issued it.</summary>
    private static string LoginProvider(Claim subject) => "oidc:" + subject.Issuer;

    private async Task<ExternalSignInResult> RefuseAsync(string userName, ExternalRefusal refusal, string reason)
    {
        await audit.WriteAsync(audit.Entry(AuditActions.SignInFailed, AuditOutcomes.Denied, userName: userName, details: "external sign-in refused: " + reason));
        return new(null, refusal);
    }
}
