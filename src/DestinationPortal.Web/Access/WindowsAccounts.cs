using DestinationPortal.Core.Access;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Web.Access;

/// <summary>Who signed in (or why not); <paramref name="Linked"/> when this sign-in linked the principal to an existing user.</summary>
public sealed record WindowsSignInResult(PortalUser? User, ExternalRefusal? Refusal, bool Linked = false);

/// <summary>
/// Maps a Kerberos principal the portal's keytab verified to a portal user. The link is a user login (provider
/// <see cref="LoginProvider"/>, key = the whole principal), made at the principal's first sign-in: from then on the
/// principal finds its account by the link, never by name, so renaming accounts cannot hand one person's account to
/// another. The first sign-in links to the user an administrator created under the principal's name (or creates a Viewer
/// when configured); an account already linked to any other sign-in is never taken over. Every outcome is audited.
/// </summary>
public sealed class WindowsAccounts(
    UserManager<PortalUser> users,
    PortalDbContext db,
    AuditLog audit,
    IOptions<WindowsSignInOptions> options,
    TimeProvider clock)
{
    public const string LoginProvider = "Windows";

    public async Task<WindowsSignInResult> ResolveAsync(string principal)
    {
        var user = await users.FindByLoginAsync(LoginProvider, principal);
        var linked = false;
        if (user is null)
        {
            if (options.Value.UserNameFor(principal) is not { } userName || UserNameRule.Problem(userName) is not null)
            {
                return await RefuseAsync(principal, ExternalRefusal.OtherRealm, $"principal {principal} is not a user of realm {options.Value.Realm}");
            }

            var result = await LinkOrCreateAsync(principal, userName);
            if (result.User is null)
            {
                return result;
            }

            user = result.User;
            linked = result.Linked;
        }

        if (user.IsDisabled)
        {
            return await RefuseAsync(user.UserName!, ExternalRefusal.Disabled, $"account disabled ({principal})");
        }

        return new(user, null, linked);
    }

    private async Task<WindowsSignInResult> LinkOrCreateAsync(string principal, string userName)
    {
        var login = new UserLoginInfo(LoginProvider, principal, LoginProvider);
        if (await users.FindByNameAsync(userName) is { } existing)
        {
            if ((await users.GetLoginsAsync(existing)).Count > 0)
            {
                return await RefuseAsync(userName, ExternalRefusal.NameTaken, $"user {userName} is linked to another sign-in, not to {principal}");
            }

            if (existing.MustChangePassword)
            {
                // The temporary password from the account's creation was never used and is known to the administrator
                // who made it: the account becomes Windows-only rather than keep a password its owner never chose.
                existing.MustChangePassword = false;
                await users.RemovePasswordAsync(existing);
            }

            return (await users.AddLoginAsync(existing, login)).Succeeded
                ? new(existing, null, Linked: true)
                : await RefuseAsync(userName, ExternalRefusal.NameTaken, $"user {userName} could not be linked to {principal}");
        }

        if (!options.Value.CreateUnknownUsersAsViewer)
        {
            return await RefuseAsync(userName, ExternalRefusal.UnknownUser, $"no portal user {userName} for Windows principal {principal}");
        }

        var user = new PortalUser { UserName = userName, Role = PortalRole.Viewer, CreatedAtUtc = clock.GetUtcNow().UtcDateTime, LockoutEnabled = true };
        db.AuditEntries.Add(audit.Entry(AuditActions.UserCreated, userName: userName, details: $"user {userName} with role {PortalRole.Viewer} at first Windows sign-in ({principal})"));
        var created = await users.CreateAsync(user);
        return created.Succeeded && (await users.AddLoginAsync(user, login)).Succeeded
            ? new(user, null)
            : await RefuseAsync(userName, ExternalRefusal.NameTaken, $"user {userName} could not be created for {principal}");
    }

    private async Task<WindowsSignInResult> RefuseAsync(string userName, ExternalRefusal refusal, string reason)
    {
        await audit.WriteAsync(audit.Entry(AuditActions.SignInFailed, AuditOutcomes.Denied, userName: userName, details: "Windows sign-in refused: " + reason));
        return new(null, refusal);
    }
}
