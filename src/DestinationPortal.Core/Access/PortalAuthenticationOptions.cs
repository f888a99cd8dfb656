using System.ComponentModel.DataAnnotations;

namespace DestinationPortal.Core.Access;

/// <summary>Who may sign in with a portal password (<c>Portal:Authentication:LocalSignIn</c>).</summary>
public enum LocalSignIn
{
    /// <summary>Every local account, as before any company sign-in existed (the default).</summary>
    Everyone,

    /// <summary>
    /// Only local accounts in the Administrator role: the break-glass way in when the company's sign-in is down.
    /// Everyone else signs in with the company's identity.
    /// </summary>
    AdministratorsOnly,
}

/// <summary>
/// The <c>Portal:Authentication</c> section's own keys (its <c>Oidc</c> subsection has its own options). Unset means
/// <see cref="LocalSignIn.Everyone"/>: zero configuration behaves as before.
/// </summary>
public sealed class PortalAuthenticationOptions
{
    public const string SectionName = "Portal:Authentication";

    /// <summary>The authentication method claim a password session carries, so a later policy change can end it.</summary>
    public const string PasswordMethod = "pwd";

    // A number the enum does not name ("LocalSignIn": "7") would bind without complaint; this refuses it at start-up.
    [EnumDataType(typeof(LocalSignIn), ErrorMessage = SectionName + ":LocalSignIn must be Everyone or AdministratorsOnly.")]
    public LocalSignIn LocalSignIn { get; set; } = LocalSignIn.Everyone;

    /// <summary>
    /// Whether a password (sign-in form, password change, token request) may let <paramref name="user"/> in. The
    /// caller adds that the account must be local (no company login linked): a role the provider manages is not
    /// the break-glass administrator's.
    /// </summary>
    public bool AllowsPassword(PortalUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return LocalSignIn == LocalSignIn.Everyone || user.Role == PortalRole.Administrator;
    }
}
