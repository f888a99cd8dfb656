using System.Globalization;

namespace DestinationPortal.Core.Destinations;

/// <summary>
/// What the Destination Details form edits: raw text as the user typed it, so that "abc" in Port is a
/// validation message rather than a conversion failure. <see cref="DestinationValidator"/> turns it
/// into a <see cref="DestinationDefinition"/> or a list of field messages. Record equality is what the
/// unsaved-changes warning compares; <c>with</c> is how a copy is made.
/// </summary>
public sealed record DestinationInput
{
    public string Name { get; set; } = "";

    public string TypeId { get; set; } = PostgreSqlDestinationType.Id;

    public string ServerName { get; set; } = "";

    public TlsMode TlsMode { get; set; } = TlsMode.Prefer;

    public bool UsePrivateEndpoint { get; set; }

    public string PrivateEndpoint { get; set; } = "";

    public string Port { get; set; } = PostgreSqlDestinationType.DefaultPort.ToString(CultureInfo.InvariantCulture);

    public bool WindowsAuthentication { get; set; }

    public string Username { get; set; } = "";

    /// <summary>A password the user typed now. Empty means "keep what is stored" unless <see cref="ClearPassword"/> is set.</summary>
    public string Password { get; set; } = "";

    public bool ClearPassword { get; set; }

    public string Database { get; set; } = "";

    public string CaCertificate { get; set; } = "";

    public string TimeoutSeconds { get; set; } = PostgreSqlDestinationType.DefaultTimeoutSeconds.ToString(CultureInfo.InvariantCulture);

    public string KerberosServiceName { get; set; } = PostgreSqlDestinationType.DefaultKerberosServiceName;

    /// <summary>The form for a stored definition: the one mapping back from typed values to the form's text.</summary>
    public static DestinationInput From(DestinationDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new()
        {
            Name = definition.Name,
            TypeId = definition.TypeId,
            ServerName = definition.ServerName,
            TlsMode = definition.TlsMode,
            UsePrivateEndpoint = definition.PrivateEndpoint is not null,
            PrivateEndpoint = definition.PrivateEndpoint ?? "",
            Port = definition.Port.ToString(CultureInfo.InvariantCulture),
            WindowsAuthentication = definition.WindowsAuthentication,
            Username = definition.Username,
            Database = definition.Database,
            CaCertificate = definition.CaCertificatePem ?? "",
            TimeoutSeconds = definition.TimeoutSeconds.ToString(CultureInfo.InvariantCulture),
            KerberosServiceName = definition.KerberosServiceName,
        };
    }

    // The generated ToString would print Password; a form can end up in a log line or an exception message.
    public override string ToString() => $"DestinationInput {{ Name = {Name}, ServerName = {ServerName}, Port = {Port}, HasTypedPassword = {Password.Length > 0} }}";
}

/// <summary>A message that belongs to one field (<see cref="DestinationField.Key"/>), or to the whole form.</summary>
public sealed record FieldError(string Field, string Message);

/// <summary>A validated destination: typed, trimmed and ready to store or to test. Never carries a password.</summary>
public sealed record DestinationDefinition(
    string Name,
    string TypeId,
    string ServerName,
    TlsMode TlsMode,
    string? PrivateEndpoint,
    int Port,
    bool WindowsAuthentication,
    string Username,
    string Database,
    string? CaCertificatePem,
    int TimeoutSeconds,
    string KerberosServiceName)
{
    /// <summary>
    /// Each stored field with its value, in form order: what the audit trail compares (<see cref="DefinitionChanges"/>)
    /// and the password is bound to (<see cref="PasswordBinding"/>), named by the one field table.
    /// </summary>
    internal static IReadOnlyList<(DestinationField Field, Func<DestinationDefinition, object?> Value)> Values { get; } =
    [
        (DestinationField.Name, d => d.Name),
        (DestinationField.Type, d => d.TypeId),
        (DestinationField.ServerName, d => d.ServerName),
        (DestinationField.TlsMode, d => d.TlsMode),
        (DestinationField.PrivateEndpoint, d => d.PrivateEndpoint),
        (DestinationField.Port, d => d.Port),
        (DestinationField.WindowsAuthentication, d => d.WindowsAuthentication),
        (DestinationField.Username, d => d.Username),
        (DestinationField.Database, d => d.Database),
        (DestinationField.CaCertificate, d => d.CaCertificatePem),
        (DestinationField.TimeoutSeconds, d => d.TimeoutSeconds),
        (DestinationField.KerberosServiceName, d => d.KerberosServiceName),
    ];

    /// <summary>The host the TCP connection goes to: the private endpoint when set, else Server Name.</summary>
    public string ConnectHost => PrivateEndpoint ?? ServerName;

    /// <summary>host:port as people write it, with IPv6 literals in brackets ([2001:db8::5]:5432).</summary>
    public static string FormatEndpoint(string host, int port) =>
        (host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host) + ":" + port.ToString(CultureInfo.InvariantCulture);
}
