using System.ComponentModel.DataAnnotations;
using DestinationPortal.Core.Access;
using DestinationPortal.Web.Localization;

namespace DestinationPortal.Web.Components.Account;

// The messages are resources (AccountValidation), read when a form is validated, so they follow the request's language.

public sealed class SignInForm
{
    [Required(ErrorMessageResourceType = typeof(AccountValidation), ErrorMessageResourceName = nameof(AccountValidation.UserNameRequired))]
    [StringLength(UserNameRule.MaxLength, ErrorMessageResourceType = typeof(AccountValidation), ErrorMessageResourceName = nameof(AccountValidation.TooLong))]
    public string UserName { get; set; } = "";

    [Required(ErrorMessageResourceType = typeof(AccountValidation), ErrorMessageResourceName = nameof(AccountValidation.PasswordRequired))]
    [StringLength(256, ErrorMessageResourceType = typeof(AccountValidation), ErrorMessageResourceName = nameof(AccountValidation.TooLong))]
    public string Password { get; set; } = "";
}

public sealed class ChangePasswordForm
{
    [Required(ErrorMessageResourceType = typeof(AccountValidation), ErrorMessageResourceName = nameof(AccountValidation.UserNameRequired))]
    [StringLength(UserNameRule.MaxLength, ErrorMessageResourceType = typeof(AccountValidation), ErrorMessageResourceName = nameof(AccountValidation.TooLong))]
    public string UserName { get; set; } = "";

    [Required(ErrorMessageResourceType = typeof(AccountValidation), ErrorMessageResourceName = nameof(AccountValidation.CurrentPasswordRequired))]
    [StringLength(256, ErrorMessageResourceType = typeof(AccountValidation), ErrorMessageResourceName = nameof(AccountValidation.TooLong))]
    public string CurrentPassword { get; set; } = "";

    [Required(ErrorMessageResourceType = typeof(AccountValidation), ErrorMessageResourceName = nameof(AccountValidation.NewPasswordRequired))]
    [StringLength(256, MinimumLength = 12, ErrorMessageResourceType = typeof(AccountValidation), ErrorMessageResourceName = nameof(AccountValidation.NewPasswordLength))]
    public string NewPassword { get; set; } = "";

    [Compare(nameof(NewPassword), ErrorMessageResourceType = typeof(AccountValidation), ErrorMessageResourceName = nameof(AccountValidation.NewPasswordsDiffer))]
    public string ConfirmPassword { get; set; } = "";
}

public sealed class SetupForm
{
    [Required(ErrorMessageResourceType = typeof(AccountValidation), ErrorMessageResourceName = nameof(AccountValidation.SetupTokenRequired))]
    [StringLength(100, ErrorMessageResourceType = typeof(AccountValidation), ErrorMessageResourceName = nameof(AccountValidation.TooLong))]
    public string SetupToken { get; set; } = "";

    [Required(ErrorMessageResourceType = typeof(AccountValidation), ErrorMessageResourceName = nameof(AccountValidation.AdministratorNameRequired))]
    [StringLength(UserNameRule.MaxLength, ErrorMessageResourceType = typeof(AccountValidation), ErrorMessageResourceName = nameof(AccountValidation.TooLong))]
    public string UserName { get; set; } = "";

    [Required(ErrorMessageResourceType = typeof(AccountValidation), ErrorMessageResourceName = nameof(AccountValidation.ChosenPasswordRequired))]
    [StringLength(256, MinimumLength = 12, ErrorMessageResourceType = typeof(AccountValidation), ErrorMessageResourceName = nameof(AccountValidation.ChosenPasswordLength))]
    public string Password { get; set; } = "";

    [Compare(nameof(Password), ErrorMessageResourceType = typeof(AccountValidation), ErrorMessageResourceName = nameof(AccountValidation.PasswordsDiffer))]
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
