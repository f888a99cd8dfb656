namespace DestinationPortal.Core.Destinations;

/// <summary>
/// One field of a destination as every surface names it: <see cref="Key"/> is the property of the form's model (the
/// key a <see cref="FieldError"/> and a test report use), <see cref="Label"/> the words on the form, in messages, in
/// the audit trail and in the test report, <see cref="JsonName"/> the property in the REST API and the export document.
/// </summary>
/// <remarks>
/// The one table of field names. Before it, the form, the tester and the audit trail each kept their own labels and
/// they disagreed ("Private endpoint" vs "Private endpoint host", "Timeout" vs "Timeout (s)").
/// </remarks>
public sealed record DestinationField(string Key, string Label, string JsonName)
{
    public static readonly DestinationField Name = new(nameof(Name), "Name", "name");
    public static readonly DestinationField Type = new("TypeId", "Type", "type");
    public static readonly DestinationField ServerName = new(nameof(ServerName), "Server Name", "serverName");
    public static readonly DestinationField TlsMode = new(nameof(TlsMode), "TLS Mode", "tlsMode");
    public static readonly DestinationField UsePrivateEndpoint = new(nameof(UsePrivateEndpoint), "Private endpoint?", "privateEndpoint");
    public static readonly DestinationField PrivateEndpoint = new(nameof(PrivateEndpoint), "Private endpoint host", "privateEndpoint");
    public static readonly DestinationField Port = new(nameof(Port), "Port", "port");
    public static readonly DestinationField WindowsAuthentication = new(nameof(WindowsAuthentication), "Windows Authentication", "windowsAuthentication");
    public static readonly DestinationField Username = new(nameof(Username), "Username", "username");
    public static readonly DestinationField Password = new(nameof(Password), "Password", "password");
    public static readonly DestinationField ClearPassword = new(nameof(ClearPassword), "Remove saved password", "clearPassword");
    public static readonly DestinationField Database = new(nameof(Database), "Database", "database");
    public static readonly DestinationField CaCertificate = new(nameof(CaCertificate), "CA certificate", "caCertificate");
    public static readonly DestinationField TimeoutSeconds = new(nameof(TimeoutSeconds), "Timeout (s)", "timeoutSeconds");
    public static readonly DestinationField KerberosServiceName = new(nameof(KerberosServiceName), "Kerberos service name", "kerberosServiceName");

    /// <summary>Every field, in the order the form shows them.</summary>
    public static IReadOnlyList<DestinationField> All { get; } =
    [
        Name, Type, ServerName, TlsMode, UsePrivateEndpoint, PrivateEndpoint, Port, WindowsAuthentication, Username, Password,
        ClearPassword, Database, CaCertificate, TimeoutSeconds, KerberosServiceName,
    ];

    private static readonly Dictionary<string, DestinationField> ByKey = All.ToDictionary(f => f.Key, StringComparer.Ordinal);

    /// <summary>The field with this <see cref="Key"/>, or null for a key that names no field (a message for the whole form).</summary>
    public static DestinationField? Find(string key) => ByKey.GetValueOrDefault(key);

    /// <summary>The label for a key; the key itself when it names no field.</summary>
    public static string LabelFor(string key) => Find(key)?.Label ?? key;
}
