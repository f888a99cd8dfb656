using Microsoft.AspNetCore.Identity;

namespace DestinationPortal.Core.Access;

/// <summary>Why a password check did not let the user in. People see one message whatever it is; the audit trail sees which.</summary>
public enum SignInRefusal
{
    WrongPassword,
    LockedOut,
    Disabled,
}

/// <summary>The user on success (a temporary password still has to be changed: <see cref="PortalUser.MustChangePassword"/>).</summary>
public sealed record SignInCheckResult(PortalUser? User, SignInRefusal? Refusal)
{
    public bool Succeeded => Refusal is null;

    /// <summary>Why it failed, in the audit trail's words.</summary>
    public string? AuditReason => Refusal switch
    {
        SignInRefusal.LockedOut => "locked from this address after repeated failures",
        SignInRefusal.Disabled => "account disabled",
        SignInRefusal.WrongPassword => "wrong user name or password",
        _ => null,
    };
}

/// <summary>
/// The one user-name-and-password check: the sign-in form, the password-change form and <c>POST /api/auth/tokens</c>
/// all call it. Every call verifies exactly one password hash at the real work factor, whether the name is unknown, the
/// user disabled or the address locked out, so the answer takes as long whoever is asked about and cannot be used to
/// find which user names exist. Lockout is per user name and client address (<see cref="SignInAttempts"/>).
/// </summary>
public sealed class SignInCheck(UserManager<PortalUser> users, IPasswordHasher<PortalUser> hasher, SignInAttempts attempts, ICurrentUser currentUser)
{
    private static readonly PortalUser StandInUser = new();

    public async Task<SignInCheckResult> CheckAsync(string userName, string password)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        var name = users.NormalizeName(userName.Trim()) ?? "";
        var address = currentUser.SourceAddress;
        var lockedBefore = attempts.IsLocked(name, address);
        var user = await users.FindByNameAsync(userName.Trim());
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

        if (!passwordRight)
        {
            return new(null, attempts.RecordFailure(name, address) ? SignInRefusal.LockedOut : SignInRefusal.WrongPassword);
        }

        if (user!.IsDisabled)
        {
            return new(null, SignInRefusal.Disabled);
        }

        attempts.RecordSuccess(name, address);
        return new(user, null);
    }
}
