using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.Localization;
using Microsoft.AspNetCore.Identity;

namespace DestinationPortal.Core.Access;

/// <summary>Why a password check did not let the user in. People see one message whatever it is; the audit trail sees which.</summary>
public enum SignInRefusal
{
    WrongPassword,
    LockedOut,
    Disabled,

    /// <summary>Right password, but a temporary one: only the password-change form accepts it.</summary>
    MustChangePassword,

    /// <summary>
    /// <see cref="LocalSignIn.AdministratorsOnly"/> and the account is not a local administrator. Given whether or not the
    /// password was right, and counted as a failure, so the answer is no password oracle.
    /// </summary>
    PasswordNotAllowed,
}

/// <summary>Which door the password came through: the failure's audit row says so.</summary>
public enum SignInPurpose
{
    SignIn,
    PasswordChange,
    TokenRequest,
}

/// <summary>The user on success (for <see cref="SignInPurpose.SignIn"/> a temporary password still has to be changed: <see cref="PortalUser.MustChangePassword"/>).</summary>
public sealed record SignInCheckResult(PortalUser? User, SignInRefusal? Refusal)
{
    public bool Succeeded => Refusal is null;

    /// <summary>Why it failed, in the audit trail's words.</summary>
    public string? AuditReason => Refusal switch
    {
        SignInRefusal.LockedOut => "locked from this address after repeated failures",
        SignInRefusal.Disabled => "account disabled",
        SignInRefusal.WrongPassword => "wrong user name or password",
        SignInRefusal.MustChangePassword => "must change the temporary password first",
        SignInRefusal.PasswordNotAllowed => "password sign-in is for local administrators only (Portal:Authentication:LocalSignIn)",
        _ => null,
    };
}

/// <summary>
/// The one user-name-and-password check, with what every use of it must do: the sign-in form, the password-change
/// form and <c>POST /api/auth/tokens</c> only map its results. Every call verifies exactly one password hash at the
/// real work factor, whether the name is unknown, the user disabled or the address locked out, so the answer takes as
/// long whoever is asked about and cannot be used to find which user names exist. Lockout is per user name and client
/// address (<see cref="SignInAttempts"/>). Every refusal is audited here; a successful sign-in or password change
/// stamps the user's last sign-in and is audited here too. With <see cref="LocalSignIn.AdministratorsOnly"/> a password
/// lets in only local administrators, whichever of the three doors it came through.
/// </summary>
public sealed class SignInCheck(
    UserManager<PortalUser> users,
    IPasswordHasher<PortalUser> hasher,
    SignInAttempts attempts,
    ICurrentUser currentUser,
    AuditLog audit,
    Microsoft.Extensions.Options.IOptions<PortalAuthenticationOptions> authentication,
    TimeProvider clock)
{
    private static readonly PortalUser StandInUser = new();

    public async Task<SignInCheckResult> CheckAsync(string userName, string password, SignInPurpose purpose)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        userName = userName.Trim();
        var result = await VerifyAsync(userName, password);
        if (result is { User.MustChangePassword: true } && purpose == SignInPurpose.TokenRequest)
        {
            result = new(null, SignInRefusal.MustChangePassword);
        }

        if (!result.Succeeded)
        {
            var details = purpose switch
            {
                SignInPurpose.PasswordChange => "password change: " + result.AuditReason,
                SignInPurpose.TokenRequest => "token request: " + result.AuditReason,
                _ => result.AuditReason,
            };
            await audit.WriteAsync(audit.Entry(AuditActions.SignInFailed, AuditOutcomes.Failed, details: details, userName: userName), CancellationToken.None);
        }

        return result;
    }

    /// <summary>
    /// The user gets a session: their last sign-in is now, and the audit trail says so. A user who never chose a language
    /// keeps the one this sign-in was made in (the browser's), so their other browsers and API tokens speak it too.
    /// Call it before the session cookie is issued, so the cookie carries the language.
    /// </summary>
    public async Task RecordSignInAsync(PortalUser user, string? details = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        user.LastSignInAtUtc = clock.GetUtcNow().UtcDateTime;
        user.Language ??= Localization.PortalLanguages.Current;
        await users.UpdateAsync(user);
        await audit.WriteAsync(audit.Entry(AuditActions.SignIn, userName: user.UserName, details: details), CancellationToken.None);
    }

    /// <summary>
    /// Replaces the password of a user <see cref="CheckAsync"/> let in (through Identity, so the registered password
    /// validators apply); null on success, else what is wrong with the new password. Success also ends any forced
    /// change, counts as a sign-in and is audited.
    /// </summary>
    public async Task<string?> ChangePasswordAsync(PortalUser user, string currentPassword, string newPassword)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (newPassword == currentPassword)
        {
            return AccessText.Text("Password.SameAsCurrent");
        }

        var changed = await users.ChangePasswordAsync(user, currentPassword, newPassword);
        if (!changed.Succeeded)
        {
            return UserAdministration.Describe(changed);
        }

        var wasTemporary = user.MustChangePassword;
        user.MustChangePassword = false;
        user.LastSignInAtUtc = clock.GetUtcNow().UtcDateTime;
        user.Language ??= Localization.PortalLanguages.Current;
        await users.UpdateAsync(user);

        await audit.WriteAsync(
            audit.Entry(AuditActions.PasswordChanged, userName: user.UserName, details: wasTemporary ? "temporary password replaced" : null),
            CancellationToken.None);
        return null;
    }

    private async Task<SignInCheckResult> VerifyAsync(string userName, string password)
    {
        var name = users.NormalizeName(userName) ?? "";
        var address = currentUser.SourceAddress;
        var lockedBefore = attempts.IsLocked(name, address);
        var user = await users.FindByNameAsync(userName);
        bool passwordRight;
        if (user is null)
        {
            // The same work as a real check, its result ignored: the time of the answer must not tell the name is unknown.
            _ = hasher.VerifyHashedPassword(StandInUser, attempts.StandInHash(hasher), password);
            passwordRight = false;
        }
        else
        {
            passwordRight = await users.CheckPasswordAsync(user, password);
        }

        if (lockedBefore)
        {
            return new(null, SignInRefusal.LockedOut);
        }

        // Decided before the password's result is looked at, and counted like a wrong password: a guesser learns nothing
        // from the answer, and guessing a non-administrator's password through this door still locks.
        if (user is not null && !authentication.Value.AllowsPassword(user))
        {
            return new(null, attempts.RecordFailure(name, address) ? SignInRefusal.LockedOut : SignInRefusal.PasswordNotAllowed);
        }

        if (!passwordRight)
        {
            return new(null, attempts.RecordFailure(name, address) ? SignInRefusal.LockedOut : SignInRefusal.WrongPassword);
        }

        // An administrator whose account is linked to the company's sign-in has a role the provider manages; the
        // break-glass account is a local one. Only asked after the right password, so it costs a guesser nothing to learn.
        if (authentication.Value.LocalSignIn == LocalSignIn.AdministratorsOnly && (await users.GetLoginsAsync(user!)).Count > 0)
        {
            return new(null, attempts.RecordFailure(name, address) ? SignInRefusal.LockedOut : SignInRefusal.PasswordNotAllowed);
        }

        if (user!.IsDisabled)
        {
            return new(null, SignInRefusal.Disabled);
        }

        attempts.RecordSuccess(name, address);
        return new(user, null);
    }
}
