using System.ComponentModel.DataAnnotations;
using DestinationPortal.Core.Access;

namespace DestinationPortal.Web.Components.Account;

public sealed class SignInForm
{
    [Required(ErrorMessage = "Enter your user name.")]
    [StringLength(UserNameRule.MaxLength)]
    public string UserName { get; set; } = "";

    [Required(ErrorMessage = "Enter your password.")]
    [StringLength(256)]
    public string Password { get; set; } = "";
}

public sealed class ChangePasswordForm
{
    [Required(ErrorMessage = "Enter your user name.")]
    [StringLength(UserNameRule.MaxLength)]
    public string UserName { get; set; } = "";

    [Required(ErrorMessage = "Enter your current (or temporary) password.")]
    [StringLength(256)]
    public string CurrentPassword { get; set; } = "";

    [Required(ErrorMessage = "Choose a new password.")]
    [StringLength(256, MinimumLength = 12, ErrorMessage = "The new password needs at least 12 characters.")]
    public string NewPassword { get; set; } = "";

    [Compare(nameof(NewPassword), ErrorMessage = "The two new passwords differ.")]
    public string ConfirmPassword { get; set; } = "";
}

public sealed class SetupForm
{
    [Required(ErrorMessage = "Enter the setup token printed in the portal's console log.")]
    [StringLength(100)]
    public string SetupToken { get; set; } = "";

    [Required(ErrorMessage = "Choose the administrator's user name.")]
    [StringLength(UserNameRule.MaxLength)]
    public string UserName { get; set; } = "";

    [Required(ErrorMessage = "Choose a password.")]
    [StringLength(256, MinimumLength = 12, ErrorMessage = "The password needs at least 12 characters.")]
    public string Password { get; set; } = "";

    [Compare(nameof(Password), ErrorMessage = "The two passwords differ.")]
    public string ConfirmPassword { get; set; } = "";
}

internal static class ReturnUrls
{
    /// <summary>Only a path on this site: never another host (open redirect), whatever a link carried.</summary>
    public static string Safe(string? returnUrl) =>
        returnUrl is { Length: > 1 } url && url[0] == '/' && url[1] is not '/' and not '\\' && !url.Contains("://", StringComparison.Ordinal)
            ? url
            : "/destinations";
}
