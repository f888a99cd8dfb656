using DestinationPortal.Core.Localization;
using Microsoft.AspNetCore.Identity;

namespace DestinationPortal.Core.Access;

/// <summary>
/// Identity's own errors (a password too short, a user name taken) in the current UI culture, from ValidationText. The
/// codes stay Identity's, so nothing that matches a code changes; the English texts are Identity's own words.
/// </summary>
internal sealed class PortalIdentityErrorDescriber : IdentityErrorDescriber
{
    public override IdentityError DefaultError() => Error(base.DefaultError());

    public override IdentityError ConcurrencyFailure() => Error(base.ConcurrencyFailure());

    public override IdentityError PasswordMismatch() => Error(base.PasswordMismatch());

    public override IdentityError InvalidToken() => Error(base.InvalidToken());

    public override IdentityError RecoveryCodeRedemptionFailed() => Error(base.RecoveryCodeRedemptionFailed());

    public override IdentityError LoginAlreadyAssociated() => Error(base.LoginAlreadyAssociated());

    public override IdentityError InvalidUserName(string? userName) => Error(base.InvalidUserName(userName), userName ?? "");

    public override IdentityError InvalidEmail(string? email) => Error(base.InvalidEmail(email), email ?? "");

    public override IdentityError DuplicateUserName(string userName) => Error(base.DuplicateUserName(userName), userName);

    public override IdentityError DuplicateEmail(string email) => Error(base.DuplicateEmail(email), email);

    public override IdentityError InvalidRoleName(string? role) => Error(base.InvalidRoleName(role), role ?? "");

    public override IdentityError DuplicateRoleName(string role) => Error(base.DuplicateRoleName(role), role);

    public override IdentityError UserAlreadyHasPassword() => Error(base.UserAlreadyHasPassword());

    public override IdentityError UserLockoutNotEnabled() => Error(base.UserLockoutNotEnabled());

    public override IdentityError UserAlreadyInRole(string role) => Error(base.UserAlreadyInRole(role), role);

    public override IdentityError UserNotInRole(string role) => Error(base.UserNotInRole(role), role);

    public override IdentityError PasswordTooShort(int length) => Error(base.PasswordTooShort(length), length);

    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) => Error(base.PasswordRequiresUniqueChars(uniqueChars), uniqueChars);

    public override IdentityError PasswordRequiresNonAlphanumeric() => Error(base.PasswordRequiresNonAlphanumeric());

    public override IdentityError PasswordRequiresDigit() => Error(base.PasswordRequiresDigit());

    public override IdentityError PasswordRequiresLower() => Error(base.PasswordRequiresLower());

    public override IdentityError PasswordRequiresUpper() => Error(base.PasswordRequiresUpper());

    // The key is the error's code, which Identity names after the method.
    private static IdentityError Error(IdentityError identity, params object[] arguments) =>
        new() { Code = identity.Code, Description = ValidationText.Text("Identity." + identity.Code, arguments) };
}
