using System.ComponentModel.DataAnnotations;

namespace DestinationPortal.Web.Access;

/// <summary>
/// The <c>Portal:Authentication:Windows</c> section: Windows single sign-on (Negotiate with Kerberos, decision 53).
/// Off unless <see cref="Enabled"/>: with nothing set the portal has no such sign-in and touches no Kerberos setting.
/// </summary>
public sealed class WindowsSignInOptions : IValidatableObject
{
    public const string SectionName = "Portal:Authentication:Windows";

    public bool Enabled { get; set; }

    /// <summary>
    /// The realm whose principals may sign in, exactly as Kerberos spells it (Active Directory: the domain in upper
    /// case, e.g. CORP.EXAMPLE). <c>alice@CORP.EXAMPLE</c> becomes the portal user <c>alice</c>; principals of any
    /// other realm (cross-realm trusts) are refused, so two realms' "alice" can never meet in one account.
    /// </summary>
    public string? Realm { get; set; }

    /// <summary>
    /// The keytab holding the key of <c>HTTP/&lt;portal host&gt;</c>. Set, it wins: the portal points KRB5_KTNAME of
    /// its own process at it before serving. Unset, KRB5_KTNAME from the environment applies, else MIT's default
    /// (/etc/krb5.keytab).
    /// </summary>
    public string? Keytab { get; set; }

    /// <summary>
    /// Off (the default): only principals whose user an administrator created beforehand get in. On: an unknown
    /// principal of <see cref="Realm"/> is created as a Viewer at its first sign-in.
    /// </summary>
    public bool CreateUnknownUsersAsViewer { get; set; }

    /// <summary>The portal user name for <paramref name="principal"/>, or null when it is not a user of <see cref="Realm"/>.</summary>
    public string? UserNameFor(string principal)
    {
        var at = principal.LastIndexOf('@');
        if (at <= 0 || !string.Equals(principal[(at + 1)..], Realm, StringComparison.Ordinal))
        {
            return null;
        }

        var name = principal[..at];
        // A service principal (HTTP/host, host/pc) or an escaped name is not a person's account.
        return name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal) ? null : name;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(Realm) || Realm.Contains('@', StringComparison.Ordinal) || Realm.Trim() != Realm)
        {
            yield return new ValidationResult($"{SectionName}:Realm is required when Windows sign-in is enabled (e.g. CORP.EXAMPLE).", [nameof(Realm)]);
        }

        if (Keytab is { Length: > 0 } && !File.Exists(Keytab))
        {
            yield return new ValidationResult($"{SectionName}:Keytab names a file that does not exist or cannot be read.", [nameof(Keytab)]);
        }
    }
}
