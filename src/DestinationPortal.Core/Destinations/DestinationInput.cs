namespace DestinationPortal.Core.Destinations;

/// <summary>
/// What the Destination Details form edits: raw text as the user typed it, so that "abc" in Port is a
/// validation message rather than a conversion failure. <see cref="DestinationValidator"/> turns it
/// into a <see cref="DestinationDefinition"/> or a list of field messages.
/// </summary>
public sealed class DestinationInput
{
    public string Name { get; set; } = "";

    public string TypeId { get; set; } = PostgreSqlDestinationType.Id;

    public string ServerName { get; set; } = "";

    public TlsMode TlsMode { get; set; } = TlsMode.Prefer;

    public bool UsePrivateEndpoint { get; set; }

    public string PrivateEndpoint { get; set; } = "";

    public string Port { get; set; } = PostgreSqlDestinationType.DefaultPort.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public bool WindowsAuthentication { get; set; }

    public string Username { get; set; } = "";

    /// <summary>A password the user typed now. Empty means "keep what is stored" unless <see cref="ClearPassword"/> is set.</summary>
    public string Password { get; set; } = "";

    public bool ClearPassword { get; set; }

    public string Database { get; set; } = "";

    public string CaCertificate { get; set; } = "";

    public string TimeoutSeconds { get; set; } = PostgreSqlDestinationType.DefaultTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string KerberosServiceName { get; set; } = PostgreSqlDestinationType.DefaultKerberosServiceName;

    public DestinationInput Clone() => (DestinationInput)MemberwiseClone();

    /// <summary>True when every field the user can edit holds the same value; used for the unsaved-changes warning.</summary>
    public bool SameAs(DestinationInput other) =>
        Name == other.Name && TypeId == other.TypeId && ServerName == other.ServerName && TlsMode == other.TlsMode
        && UsePrivateEndpoint == other.UsePrivateEndpoint && PrivateEndpoint == other.PrivateEndpoint && Port == other.Port
        && WindowsAuthentication == other.WindowsAuthentication && Username == other.Username && Password == other.Password
        && ClearPassword == other.ClearPassword && Database == other.Database && CaCertificate == other.CaCertificate
        && TimeoutSeconds == other.TimeoutSeconds && KerberosServiceName == other.KerberosServiceName;
}

/// <summary>A message that belongs to one field of <see cref="DestinationInput"/> (named with <c>nameof</c>).</summary>
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
    /// <summary>The host the TCP connection goes to: the private endpoint when set, else Server Name.</summary>
    public string ConnectHost => PrivateEndpoint ?? ServerName;

    /// <summary>host:port as people write it, with IPv6 literals in brackets ([2001:db8::5]:5432).</summary>
    public static string FormatEndpoint(string host, int port) =>
        (host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host) + ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
