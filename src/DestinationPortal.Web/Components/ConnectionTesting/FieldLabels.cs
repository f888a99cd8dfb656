using DestinationPortal.Core.Destinations;

namespace DestinationPortal.Web.Components.ConnectionTesting;

/// <summary>The form's label for a <see cref="DestinationInput"/> property, so a result can say which field to check.</summary>
internal static class FieldLabels
{
    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        [nameof(DestinationInput.Name)] = "Name",
        [nameof(DestinationInput.TypeId)] = "Type",
        [nameof(DestinationInput.ServerName)] = "Server Name",
        [nameof(DestinationInput.TlsMode)] = "TLS Mode",
        [nameof(DestinationInput.PrivateEndpoint)] = "Private endpoint host",
        [nameof(DestinationInput.Port)] = "Port",
        [nameof(DestinationInput.WindowsAuthentication)] = "Windows Authentication",
        [nameof(DestinationInput.Username)] = "Username",
        [nameof(DestinationInput.Password)] = "Password",
        [nameof(DestinationInput.Database)] = "Database",
        [nameof(DestinationInput.CaCertificate)] = "CA certificate",
        [nameof(DestinationInput.TimeoutSeconds)] = "Timeout (s)",
        [nameof(DestinationInput.KerberosServiceName)] = "Kerberos service name",
    };

    public static string For(string field) => Labels.GetValueOrDefault(field, field);
}
