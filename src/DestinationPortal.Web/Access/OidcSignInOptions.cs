using System.ComponentModel.DataAnnotations;
using DestinationPortal.Core.Access;

namespace DestinationPortal.Web.Access;

/// <summary>
/// The <c>Portal:Authentication:Oidc</c> section: sign-in with the company's OpenID Connect provider. Unset (no
/// <see cref="Authority"/>) means no such sign-in: the portal has only its own accounts, as before.
/// </summary>
public sealed class OidcSignInOptions : IValidatableObject
{
    public const string SectionName = "Portal:Authentication:Oidc";

    /// <summary>The provider's issuer URL; its /.well-known/openid-configuration is read from there.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>Never logged, shown or sent anywhere but the provider's token endpoint.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Scopes asked for besides <c>openid</c> and <c>profile</c> (for example <c>groups</c>, or <c>email</c>).</summary>
    public string[] Scopes { get; set; } = [];

    /// <summary>The id-token claim that becomes the portal user name of a user created at first sign-in.</summary>
    [Required]
    public string UserNameClaim { get; set; } = "preferred_username";

    /// <summary>The id-token claim that lists the person's groups (or app roles) at the provider.</summary>
    [Required]
    public string GroupsClaim { get; set; } = "groups";

    public OidcRoleMapping RoleMapping { get; set; } = new();

    /// <summary>Named on the sign-in page's button: "Sign in with …".</summary>
    [Required]
    [StringLength(60)]
    public string DisplayName { get; set; } = "your company account";

    /// <summary>Off only for a provider on loopback in tests: in production the discovery document must come over HTTPS.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>
    /// Signing out of a session that came from the provider also ends the person's session at the provider, through its
    /// end_session_endpoint, when its discovery document names one. Off: the portal signs out only itself.
    /// </summary>
    public bool SignOutAtProvider { get; set; } = true;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Authority);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsConfigured)
        {
            yield break;
        }

        // The messages name the setting, never its value: ClientSecret must not reach a log through a validation error.
        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
        {
            yield return new ValidationResult($"{SectionName}:Authority must be an absolute https URL.", [nameof(Authority)]);
        }
        else if (RequireHttpsMetadata && authority.Scheme != "https")
        {
            yield return new ValidationResult($"{SectionName}:Authority must use https (RequireHttpsMetadata is on).", [nameof(Authority)]);
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            yield return new ValidationResult($"{SectionName}:ClientId is required when Authority is set.", [nameof(ClientId)]);
        }

        if (string.IsNullOrEmpty(ClientSecret))
        {
            yield return new ValidationResult($"{SectionName}:ClientSecret is required when Authority is set.", [nameof(ClientSecret)]);
        }

        if (RoleMapping.Administrator.Length + RoleMapping.Editor.Length + RoleMapping.Viewer.Length == 0)
        {
            yield return new ValidationResult($"{SectionName}:RoleMapping must name at least one group: nobody could sign in otherwise.", [nameof(RoleMapping)]);
        }
    }
}

/// <summary>Provider groups per portal role. A person in groups of several roles gets the highest.</summary>
public sealed class OidcRoleMapping
{
    public string[] Administrator { get; set; } = [];

    public string[] Editor { get; set; } = [];

    public string[] Viewer { get; set; } = [];

    /// <summary>The highest role any of <paramref name="groups"/> maps to; null when none does. Group names compare exactly.</summary>
    public PortalRole? RoleFor(IReadOnlyCollection<string> groups) =>
        groups.Any(Administrator.Contains) ? PortalRole.Administrator
        : groups.Any(Editor.Contains) ? PortalRole.Editor
        : groups.Any(Viewer.Contains) ? PortalRole.Viewer
        : null;
}
