using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace DestinationPortal.Core.Destinations;

public sealed class PostgreSqlDestinationType : IDestinationType
{
    public const string Id = "postgresql";
    public const int DefaultPort = 5432;
    public const int DefaultTimeoutSeconds = 10;
    public const string DefaultKerberosServiceName = "postgres";

    public string TypeId => Id;

    public string DisplayName => "PostgreSQL";

    public DestinationInput NewInput() => new() { TypeId = Id };

    public IEnumerable<FieldError> Validate(DestinationInput input)
    {
        var errors = new List<FieldError>();
        void Check(string field, string? message)
        {
            if (message is not null)
            {
                errors.Add(new FieldError(field, message));
            }
        }

        Check(nameof(input.ServerName), FieldRules.HostName("Server Name", input.ServerName));
        if (!Enum.IsDefined(input.TlsMode))
        {
            Check(nameof(input.TlsMode), "TLS Mode must be one of Prefer, Require, Disable, Allow, Verify CA or Verify Full.");
        }

        if (input.UsePrivateEndpoint)
        {
            Check(nameof(input.PrivateEndpoint), FieldRules.HostName("Private endpoint host", input.PrivateEndpoint));
        }

        Check(nameof(input.Port), FieldRules.IntegerInRange("Port", input.Port, 1, 65535, out _));
        Check(nameof(input.Username), FieldRules.PostgresIdentifier("Username", input.Username, required: !input.WindowsAuthentication));
        Check(nameof(input.Password), FieldRules.OptionalText("Password", input.Password, 1_000));
        Check(nameof(input.Database), FieldRules.PostgresIdentifier("Database", input.Database, required: true));
        // The CA certificate and the Kerberos service name are only shown (and only kept) where they apply,
        // so a hidden field can never block a save with a message the user cannot see.
        if (input.TlsMode.ChecksCertificate())
        {
            Check(nameof(input.CaCertificate), CaCertificate(input.CaCertificate));
        }

        Check(nameof(input.TimeoutSeconds), FieldRules.IntegerInRange("Timeout (s)", input.TimeoutSeconds, 1, 120, out _));
        if (input.WindowsAuthentication)
        {
            Check(nameof(input.KerberosServiceName), KerberosServiceName(input.KerberosServiceName));
        }

        return errors;
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
            return $"CA certificate must be at most {FieldRules.MaxCertificateChars:N0} characters; paste only the CA certificate(s), not a whole bundle.";
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
                ? "CA certificate must be PEM text starting with -----BEGIN CERTIFICATE-----."
                : null;
        }
        catch (CryptographicException)
        {
            return "CA certificate is not a valid PEM X.509 certificate.";
        }
    }

    private static string? KerberosServiceName(string value)
    {
        var name = value.Trim();
        if (name.Length == 0)
        {
            return "Kerberos service name is required with Windows Authentication (usually postgres).";
        }

        return name.Length > 63 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? "Kerberos service name may contain only letters, digits, '-', '_' and '.', at most 63 characters."
            : null;
    }
}
