using System.Globalization;

namespace DestinationPortal.Core.Destinations;

/// <summary>
/// The export and import file: destination definitions without secrets, one JSON document, meant to be kept in Git
/// and moved between portals. <see cref="DestinationDocumentReader"/> reads it with limits and plain-word errors.
/// </summary>
public sealed record DestinationDocument
{
    public const string FormatName = "destination-portal/destinations";
    public const int CurrentVersion = 1;

    /// <summary>Always <see cref="FormatName"/>; optional on import, checked when present.</summary>
    public string? Format { get; init; } = FormatName;

    /// <summary>Always <see cref="CurrentVersion"/>; optional on import, checked when present.</summary>
    public int? Version { get; init; } = CurrentVersion;

    public DateTime? ExportedAtUtc { get; init; }

    public string? ExportedBy { get; init; }

    public IReadOnlyList<DestinationDocumentEntry> Destinations { get; init; } = [];
}

/// <summary>
/// One destination in a <see cref="DestinationDocument"/>. A missing property takes the default of a new destination
/// (the form's defaults). There is deliberately no password property: exports never carry one and imports refuse one.
/// </summary>
public sealed record DestinationDocumentEntry
{
    /// <summary>
    /// The destination's id in the portal it was exported from. On import an entry with an id updates that destination,
    /// or creates one with this id; an entry without one is matched by name.
    /// </summary>
    public Guid? Id { get; init; }

    public string Name { get; init; } = "";

    public string Type { get; init; } = PostgreSqlDestinationType.Id;

    public string ServerName { get; init; } = "";

    public TlsMode TlsMode { get; init; } = TlsMode.Prefer;

    /// <summary>Null (or absent) when the destination connects to Server Name itself.</summary>
    public string? PrivateEndpoint { get; init; }

    public int Port { get; init; } = PostgreSqlDestinationType.DefaultPort;

    public bool WindowsAuthentication { get; init; }

    public string Username { get; init; } = "";

    public string Database { get; init; } = "";

    /// <summary>PEM text; kept only with TLS Mode VerifyCA or VerifyFull.</summary>
    public string? CaCertificate { get; init; }

    public int TimeoutSeconds { get; init; } = PostgreSqlDestinationType.DefaultTimeoutSeconds;

    public string KerberosServiceName { get; init; } = PostgreSqlDestinationType.DefaultKerberosServiceName;

    /// <summary>
    /// Informational: whether the exported destination had a password saved. On import, false means the destination
    /// needs none (e.g. trust authentication); true or absent marks a created destination as needing one.
    /// </summary>
    public bool? HasPassword { get; init; }

    public static DestinationDocumentEntry From(Guid id, DestinationDefinition definition, bool hasPassword) => new()
    {
        Id = id,
        Name = definition.Name,
        Type = definition.TypeId,
        ServerName = definition.ServerName,
        TlsMode = definition.TlsMode,
        PrivateEndpoint = definition.PrivateEndpoint,
        Port = definition.Port,
        WindowsAuthentication = definition.WindowsAuthentication,
        Username = definition.Username,
        Database = definition.Database,
        CaCertificate = definition.CaCertificatePem,
        TimeoutSeconds = definition.TimeoutSeconds,
        KerberosServiceName = definition.KerberosServiceName,
        HasPassword = hasPassword,
    };

    /// <summary>The entry as the form would hold it, so the one validator judges it with the form's words.</summary>
    public DestinationInput ToInput() => new()
    {
        Name = Name ?? "",
        TypeId = Type ?? "",
        ServerName = ServerName ?? "",
        TlsMode = TlsMode,
        UsePrivateEndpoint = PrivateEndpoint is not null,
        PrivateEndpoint = PrivateEndpoint ?? "",
        Port = Port.ToString(CultureInfo.InvariantCulture),
        WindowsAuthentication = WindowsAuthentication,
        Username = Username ?? "",
        Database = Database ?? "",
        CaCertificate = CaCertificate ?? "",
        TimeoutSeconds = TimeoutSeconds.ToString(CultureInfo.InvariantCulture),
        KerberosServiceName = KerberosServiceName ?? "",
    };
}
