using System.Security.Cryptography;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.Localization;
using DestinationPortal.Core.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.Core.Access;

public sealed record UserSummary(
    string Id, string UserName, PortalRole Role, bool IsDisabled, bool MustChangePassword, bool IsLockedOut, DateTime CreatedAtUtc, DateTime? LastSignInAtUtc);

/// <summary>The outcome of a user change. <see cref="TemporaryPassword"/> is set once, for the administrator to hand over.</summary>
public sealed record UserChangeResult(bool Succeeded, string? Error = null, string? TemporaryPassword = null, string? UserId = null)
{
    public static UserChangeResult Fail(string error) => new(false, error);
}

/// <summary>
/// The Users page's operations (Administrators only). Each call works in its own DI scope, so Identity's
/// UserManager and its DbContext live for one operation, not for a circuit. The audit row is added to that same
/// DbContext, so it is saved in the same SaveChanges as the change it records.
/// </summary>
public sealed class UserAdministration(
    IServiceScopeFactory scopes, AccessGuard guard, AuditLog audit, IWriteGate writeGate, SignInAttempts signInAttempts, TimeProvider clock)
{
    public async Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await guard.DemandAsync(PortalCapability.ManageUsers, "managing users", cancellationToken);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var users = await db.Users.AsNoTracking().OrderBy(u => u.NormalizedUserName).Take(1000).ToListAsync(cancellationToken);
        return users.Select(u => new UserSummary(
            u.Id, u.UserName ?? "", u.Role, u.IsDisabled, u.MustChangePassword, signInAttempts.IsLockedAnywhere(u.NormalizedUserName ?? ""), u.CreatedAtUtc, u.LastSignInAtUtc)).ToList();
    }

    public async Task<UserChangeResult> CreateAsync(string userName, PortalRole role, CancellationToken cancellationToken = default)
    {
        await guard.DemandAsync(PortalCapability.ManageUsers, "managing users", cancellationToken);
        userName = userName.Trim();
        if (UserNameRule.Problem(userName) is { } problem)
        {
            return UserChangeResult.Fail(problem);
        }

        var temporary = GenerateTemporaryPassword();
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser
        {
            UserName = userName,
            Role = role,
            MustChangePassword = true,
            CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
            LockoutEnabled = true,
        };
        scope.ServiceProvider.GetRequiredService<PortalDbContext>().AuditEntries.Add(
            audit.Entry(AuditActions.UserCreated, details: $"user {userName} with role {role}"));
        var result = await users.CreateAsync(user, temporary);
        return result.Succeeded ? new UserChangeResult(true, TemporaryPassword: temporary, UserId: user.Id) : UserChangeResult.Fail(Describe(result));
    }

    public Task<UserChangeResult> ChangeRoleAsync(string userId, PortalRole role, CancellationToken cancellationToken = default) =>
        ChangeAsync(userId, (user, activeAdministrators) =>
        {
            if (user.Role == role)
            {
                return (null, null);
            }

            if (user.Role == PortalRole.Administrator && role != PortalRole.Administrator && !user.IsDisabled && activeAdministrators <= 1)
            {
                return (AccessText.Text("Users.LastAdministratorDemoted"), null);
            }

            var entry = audit.Entry(AuditActions.UserRoleChanged, details: $"user {user.UserName}: {user.Role} → {role}");
            user.Role = role;
            return (null, entry);
        }, cancellationToken);

    public Task<UserChangeResult> SetDisabledAsync(string userId, bool disabled, CancellationToken cancellationToken = default) =>
        ChangeAsync(userId, (user, activeAdministrators) =>
        {
            if (user.IsDisabled == disabled)
            {
                return (null, null);
            }

            if (disabled && user.Role == PortalRole.Administrator && activeAdministrators <= 1)
            {
                return (AccessText.Text("Users.LastAdministratorDisabled"), null);
            }

            user.IsDisabled = disabled;
            return (null, audit.Entry(disabled ? AuditActions.UserDisabled : AuditActions.UserEnabled, details: $"user {user.UserName}"));
        }, cancellationToken);

    /// <summary>Issues a new temporary password; the user must choose their own at the next sign-in. Also lifts every address's lockout.</summary>
    public Task<UserChangeResult> ResetPasswordAsync(string userId, CancellationToken cancellationToken = default) =>
        // Identity's two saves (remove the old password; add the new one through the registered password validators and
        // hasher, renewing the security stamp so open sessions end) in one transaction, held in the write gate for all of
        // it: a refused new password leaves the old one in place.
        WithUserAsync(userId, async (users, db, user) =>
        {
            var temporary = GenerateTemporaryPassword();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            user.MustChangePassword = true;
            user.LockoutEnd = null;
            user.AccessFailedCount = 0;
            db.AuditEntries.Add(audit.Entry(AuditActions.UserPasswordReset, details: $"user {user.UserName}"));
            var result = await users.RemovePasswordAsync(user);
            if (result.Succeeded)
            {
                result = await users.AddPasswordAsync(user, temporary);
            }

            if (!result.Succeeded)
            {
                return UserChangeResult.Fail(Describe(result));
            }

            await transaction.CommitAsync(cancellationToken);
            signInAttempts.Forget(user.NormalizedUserName ?? "");
            return new UserChangeResult(true, TemporaryPassword: temporary, UserId: user.Id);
        }, cancellationToken);

    /// <summary>16 characters from 57 unambiguous letters and digits: about 93 bits.</summary>
    public static string GenerateTemporaryPassword() =>
        RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 16);

    // Loads the user, applies the change (or a refusal), renews the security stamp so open sessions and
    // circuits re-check within a minute, and saves the change with its audit row. Under the write gate, so two
    // administrators cannot each demote "the other last administrator" at once.
    private Task<UserChangeResult> ChangeAsync(
        string userId, Func<PortalUser, int, (string? Error, AuditEntry? Entry)> change, CancellationToken cancellationToken) =>
        WithUserAsync(userId, async (users, db, user) =>
        {
            var activeAdministrators = await db.Users.CountAsync(u => u.Role == PortalRole.Administrator && !u.IsDisabled, cancellationToken);
            var (error, entry) = change(user, activeAdministrators);
            if (error is not null)
            {
                return UserChangeResult.Fail(error);
            }

            if (entry is null)
            {
                return new UserChangeResult(true, UserId: user.Id);
            }

            db.AuditEntries.Add(entry);
            var result = await users.UpdateSecurityStampAsync(user);
            return result.Succeeded ? new UserChangeResult(true, UserId: user.Id) : UserChangeResult.Fail(Describe(result));
        }, cancellationToken);

    // Every change to another user: an administrator's capability, checked first; then the write gate and one scope,
    // so the change and its audit row are decided on what is stored now.
    private async Task<UserChangeResult> WithUserAsync(
        string userId, Func<UserManager<PortalUser>, PortalDbContext, PortalUser, Task<UserChangeResult>> change, CancellationToken cancellationToken)
    {
        await guard.DemandAsync(PortalCapability.ManageUsers, "managing users", cancellationToken);
        using var _ = await writeGate.EnterAsync(cancellationToken);
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var user = await users.FindByIdAsync(userId);
        return user is null ? UserChangeResult.Fail(AccessText.Text("Users.Gone")) : await change(users, db, user);
    }

    internal static string Describe(IdentityResult result) => string.Join(" ", result.Errors.Select(e => e.Description));
}
