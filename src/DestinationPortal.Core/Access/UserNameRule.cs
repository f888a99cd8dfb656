using System.ComponentModel.DataAnnotations;
using DestinationPortal.Core.Localization;
using Microsoft.AspNetCore.Identity;

namespace DestinationPortal.Core.Access;

/// <summary>
/// What a user name may be: 1 to <see cref="MaxLength"/> ASCII letters, digits and <c>. _ - @</c>. Identity applies it
/// to every user it creates or updates (<see cref="UserNameValidator"/>), forms show it next to the field
/// (<see cref="UserNameAttribute"/>), and Identity's own character list is this one.
/// </summary>
public static class UserNameRule
{
    public const int MaxLength = 64;

    public const string AllowedCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@";

    /// <summary>Null when the (trimmed) name is acceptable, else what is wrong with it (in the current UI culture).</summary>
    public static string? Problem(string? userName)
    {
        var name = userName?.Trim() ?? "";
        return name.Length == 0 ? ValidationText.Text("UserName.Empty")
            : name.Length > MaxLength ? ValidationText.Text("UserName.TooLong", MaxLength)
            : name.Any(c => !AllowedCharacters.Contains(c, StringComparison.Ordinal)) ? ValidationText.Text("UserName.Characters")
            : null;
    }
}

/// <summary><see cref="UserNameRule"/> on every user Identity's <see cref="UserManager{TUser}"/> creates or updates.</summary>
internal sealed class UserNameValidator : IUserValidator<PortalUser>
{
    public Task<IdentityResult> ValidateAsync(UserManager<PortalUser> manager, PortalUser user) =>
        Task.FromResult(UserNameRule.Problem(user.UserName) is { } problem
            ? IdentityResult.Failed(new IdentityError { Code = "InvalidUserName", Description = problem })
            : IdentityResult.Success);
}

/// <summary><see cref="UserNameRule"/> for a form field that names a new user.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class UserNameAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        UserNameRule.Problem(value as string) is { } problem
            ? new ValidationResult(problem, validationContext?.MemberName is { } member ? [member] : null)
            : ValidationResult.Success;
}
