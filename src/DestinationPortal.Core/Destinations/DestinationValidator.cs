using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using DestinationPortal.Core.Localization;

namespace DestinationPortal.Core.Destinations;

/// <summary>
/// The one place that decides whether a form is valid and turns it into a <see cref="DestinationDefinition"/>: the
/// service (for the screens and the REST API) and import call it, so a rule and its wording exist once. Messages name
/// fields by <see cref="DestinationField.Label"/> and are keyed by <see cref="DestinationField.Key"/>; both the labels and
/// the messages are in the current UI culture (the screens' or the API caller's language).
/// </summary>
public static class DestinationValidator
{
    public const int MaxNameLength = 100;

    public static IReadOnlyList<FieldError> Validate(DestinationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new List<FieldError>();
        void Check(DestinationField field, string? message)
        {
            if (message is not null)
            {
                errors.Add(new FieldError(field.Key, message));
            }
        }

        Check(DestinationField.Name, FieldRules.DisplayName(DestinationField.Name.Label, input.Name.Trim(), MaxNameLength));
        if (!string.Equals(input.TypeId, PostgreSqlDestinationType.Id, StringComparison.OrdinalIgnoreCase))
        {
            Check(DestinationField.Type, ValidationText.Text("Field.OneOf", DestinationField.Type.Label, PostgreSqlDestinationType.DisplayName));
            return errors;
        }

        Check(DestinationField.ServerName, FieldRules.HostName(DestinationField.ServerName.Label, input.ServerName));
        if (!Enum.IsDefined(input.TlsMode))
        {
            Check(DestinationField.TlsMode, ValidationText.Text("Field.TlsModeOneOf", DestinationField.TlsMode.Label));
        }

        if (input.UsePrivateEndpoint)
        {
            Check(DestinationField.PrivateEndpoint, FieldRules.HostName(DestinationField.PrivateEndpoint.Label, input.PrivateEndpoint));
        }

        Check(DestinationField.Port, FieldRules.IntegerInRange(DestinationField.Port.Label, input.Port, 1, 65535, out _));
        Check(DestinationField.Username, FieldRules.PostgresIdentifier(DestinationField.Username.Label, input.Username, required: !input.WindowsAuthentication));
        Check(DestinationField.Password, FieldRules.OptionalText(DestinationField.Password.Label, input.Password, 1_000));
        Check(DestinationField.Database, FieldRules.PostgresIdentifier(DestinationField.Database.Label, input.Database, required: true));
        // The CA certificate and the Kerberos service name are only shown (and only kept) where they apply,
        // so a hidden field can never block a save with a message the user cannot see.
        if (input.TlsMode.ChecksCertificate())
        {
            Check(DestinationField.CaCertificate, CaCertificate(input.CaCertificate));
        }

        Check(DestinationField.TimeoutSeconds, FieldRules.IntegerInRange(DestinationField.TimeoutSeconds.Label, input.TimeoutSeconds, 1, 120, out _));
        if (input.WindowsAuthentication)
        {
            Check(DestinationField.KerberosServiceName, KerberosServiceName(input.KerberosServiceName));
        }

        return errors;
    }

    /// <summary>Validates and, when valid, returns the trimmed, typed definition.</summary>
    public static DestinationDefinition? TryCreateDefinition(DestinationInput input, out IReadOnlyList<FieldError> errors)
    {
        errors = Validate(input);
        if (errors.Count > 0)
        {
            return null;
        }

        return new DestinationDefinition(
            Name: input.Name.Trim(),
            TypeId: PostgreSqlDestinationType.Id,
            ServerName: FieldRules.NormalizeHost(input.ServerName)!,
            TlsMode: input.TlsMode,
            PrivateEndpoint: input.UsePrivateEndpoint ? FieldRules.NormalizeHost(input.PrivateEndpoint) : null,
            Port: int.Parse(input.Port.Trim(), CultureInfo.InvariantCulture),
            WindowsAuthentication: input.WindowsAuthentication,
            Username: input.Username.Trim(),
            Database: input.Database.Trim(),
            CaCertificatePem: input.TlsMode.ChecksCertificate() && !string.IsNullOrWhiteSpace(input.CaCertificate) ? input.CaCertificate.Trim() : null,
            TimeoutSeconds: int.Parse(input.TimeoutSeconds.Trim(), CultureInfo.InvariantCulture),
            KerberosServiceName: input.WindowsAuthentication ? input.KerberosServiceName.Trim() : PostgreSqlDestinationType.DefaultKerberosServiceName);
    }

    /// <summary>Empty, or one or more PEM certificates that all parse as X.509.</summary>
    public static string? CaCertificate(string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (value.Length > FieldRules.MaxCertificateChars)
        {
            return ValidationText.Text("CaCertificate.TooLong", DestinationField.CaCertificate.Label, FieldRules.MaxCertificateChars);
        }

        try
        {
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPem(value);
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }

            return certificates.Count == 0
                ? ValidationText.Text("CaCertificate.NotPem", DestinationField.CaCertificate.Label)
                : null;
        }
        catch (CryptographicException)
        {
            return ValidationText.Text("CaCertificate.Invalid", DestinationField.CaCertificate.Label);
        }
    }

    private static string? KerberosServiceName(string value)
    {
        var name = value.Trim();
        if (name.Length == 0)
        {
            return ValidationText.Text("Kerberos.Required", DestinationField.KerberosServiceName.Label, DestinationField.WindowsAuthentication.Label);
        }

        return name.Length > 63 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? ValidationText.Text("Kerberos.Invalid", DestinationField.KerberosServiceName.Label)
            : null;
    }
}
