namespace DestinationPortal.Core.Destinations;

/// <summary>Names (as labelled on the form) of the fields that differ between two definitions: what the audit trail records, never values.</summary>
internal static class DefinitionChanges
{
    public static List<string> Between(DestinationDefinition? before, DestinationDefinition after, bool passwordChanged)
    {
        var changed = new List<string>();
        void Check<T>(string label, Func<DestinationDefinition, T> value, T defaultValue)
        {
            var now = value(after);
            var was = before is null ? defaultValue : value(before);
            if (!EqualityComparer<T>.Default.Equals(was, now))
            {
                changed.Add(label);
            }
        }

        Check("Name", d => d.Name, "");
        Check("Type", d => d.TypeId, "");
        Check("Server Name", d => d.ServerName, "");
        Check("TLS Mode", d => d.TlsMode, (TlsMode)(-1));
        Check("Private endpoint", d => d.PrivateEndpoint, null);
        Check("Port", d => d.Port, 0);
        Check("Windows Authentication", d => d.WindowsAuthentication, false);
        Check("Username", d => d.Username, "");
        if (passwordChanged)
        {
            changed.Add("Password");
        }

        Check("Database", d => d.Database, "");
        Check("CA certificate", d => d.CaCertificatePem, null);
        Check("Timeout", d => d.TimeoutSeconds, 0);
        Check("Kerberos service name", d => d.KerberosServiceName, "");
        return changed;
    }
}
