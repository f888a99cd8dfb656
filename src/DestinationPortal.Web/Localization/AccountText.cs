using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Web.Localization;

/// <summary>
/// The sign-in, setup, password-change and access-denied pages and their form messages. Marker type for
/// <c>IStringLocalizer&lt;AccountText&gt;</c>; the texts are in AccountText.resx (English) and AccountText.de.resx.
/// </summary>
public sealed class AccountText
{
    private AccountText()
    {
    }

    /// <summary>The texts at the current UI culture, for code that has no DI: the forms' validation attributes.</summary>
    public static IStringLocalizer Localizer { get; } =
        new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance).Create(typeof(AccountText));
}

/// <summary>
/// The account forms' validation messages for DataAnnotations' <c>ErrorMessageResourceType</c>, which reads a static
/// property per message: each is read when the form is validated, so it follows the request's UI culture. Blazor's
/// <c>DataAnnotationsValidator</c> has no IStringLocalizer hook (AddDataAnnotationsLocalization is MVC's).
/// </summary>
public static class AccountValidation
{
    public static string UserNameRequired => Text("Validation.UserName.Required");

    public static string PasswordRequired => Text("Validation.Password.Required");

    public static string CurrentPasswordRequired => Text("Validation.CurrentPassword.Required");

    public static string NewPasswordRequired => Text("Validation.NewPassword.Required");

    public static string NewPasswordLength => Text("Validation.NewPassword.Length");

    public static string NewPasswordsDiffer => Text("Validation.NewPassword.Differ");

    public static string SetupTokenRequired => Text("Validation.SetupToken.Required");

    public static string AdministratorNameRequired => Text("Validation.AdministratorName.Required");

    public static string ChosenPasswordRequired => Text("Validation.ChosenPassword.Required");

    public static string ChosenPasswordLength => Text("Validation.ChosenPassword.Length");

    public static string PasswordsDiffer => Text("Validation.ChosenPassword.Differ");

    public static string TooLong => Text("Validation.TooLong");

    private static string Text(string key) => AccountText.Localizer[key];
}
