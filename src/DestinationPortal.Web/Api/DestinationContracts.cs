using System.ComponentModel;
using System.Globalization;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;

namespace DestinationPortal.Web.Api;

/// <summary>
/// Body of <c>POST /api/destinations</c> and <c>PUT /api/destinations/{id}</c> (a PUT replaces the whole definition).
/// A property left out takes the value a new destination starts with. The rules and messages are the form's.
/// </summary>
public sealed record DestinationRequest
{
    [Description("Unique ignoring case; at most 100 characters.")]
    public string Name { get; init; } = "";

    [Description("Destination type; \"postgresql\" (the default) is the only one today.")]
    public string Type { get; init; } = PostgreSqlDestinationType.Id;

    [Description("Host name, IPv4 or IPv6 address.")]
    public string ServerName { get; init; } = "";

    public TlsMode TlsMode { get; init; } = TlsMode.Prefer;

    [Description("Host to connect to instead of serverName (TLS still checks serverName); null or absent for none.")]
    public string? PrivateEndpoint { get; init; }

    [Description("1 to 65535; default 5432.")]
    public int Port { get; init; } = PostgreSqlDestinationType.DefaultPort;

    public bool WindowsAuthentication { get; init; }

    [Description("Required unless windowsAuthentication; at most 63 bytes.")]
    public string Username { get; init; } = "";

    [Description("Write-only: never returned. A value replaces the saved password. Null, absent or empty keeps it only while serverName, "
        + "privateEndpoint, port, username, database, tlsMode, caCertificate and kerberosServiceName are unchanged; a change to any of them removes it.")]
    public string? Password { get; init; }

    [Description("True removes the saved password.")]
    public bool ClearPassword { get; init; }

    [Description("At most 63 bytes.")]
    public string Database { get; init; } = "";

    [Description("PEM; kept only with tlsMode VerifyCA or VerifyFull.")]
    public string? CaCertificate { get; init; }

    [Description("1 to 120; default 10.")]
    public int TimeoutSeconds { get; init; } = PostgreSqlDestinationType.DefaultTimeoutSeconds;

    [Description("Used with windowsAuthentication; default \"postgres\".")]
    public string KerberosServiceName { get; init; } = PostgreSqlDestinationType.DefaultKerberosServiceName;

    /// <summary>The request as the form would hold it, so the one validator judges it. JSON null for text counts as empty.</summary>
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
        Password = Password ?? "",
        ClearPassword = ClearPassword,
        Database = Database ?? "",
        CaCertificate = CaCertificate ?? "",
        TimeoutSeconds = TimeoutSeconds.ToString(CultureInfo.InvariantCulture),
        KerberosServiceName = KerberosServiceName ?? "",
    };
}

/// <summary>Optional body of <c>POST /api/destinations/{id}/copy</c>. The password is never copied.</summary>
public sealed record CopyDestinationRequest
{
    [Description("Name of the copy; default \"Copy of <name>\".")]
    public string? Name { get; init; }

    [Description("Write-only: a password for the copy.")]
    public string? Password { get; init; }
}

/// <summary>A stored destination. The password is never part of it: <see cref="HasPassword"/> says whether one is saved.</summary>
public sealed record DestinationResource(
    Guid Id,
    [property: Description("The ETag of this version; send it in If-Match to update.")] Guid Version,
    string Name,
    string Type,
    string ServerName,
    TlsMode TlsMode,
    string? PrivateEndpoint,
    int Port,
    bool WindowsAuthentication,
    string Username,
    bool HasPassword,
    string Database,
    string? CaCertificate,
    int TimeoutSeconds,
    string KerberosServiceName,
    DateTime CreatedAtUtc,
    string CreatedBy,
    DateTime UpdatedAtUtc,
    string UpdatedBy)
{
    public static DestinationResource From(DestinationForEdit stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var d = stored.Definition;
        return new DestinationResource(
            stored.Id, stored.Version, d.Name, d.TypeId, d.ServerName, d.TlsMode, d.PrivateEndpoint, d.Port, d.WindowsAuthentication, d.Username,
            stored.HasPassword, d.Database, d.CaCertificatePem, d.TimeoutSeconds, d.KerberosServiceName,
            stored.CreatedAtUtc, stored.CreatedBy, stored.UpdatedAtUtc, stored.UpdatedBy);
    }
}

public sealed record DestinationListResponse(IReadOnlyList<DestinationListItem> Items, int TotalCount, int Skip, int Take);

/// <summary>A finished Test Connection: every event the screens show, in order, and the Result event's outcome.</summary>
public sealed record ConnectionTestResponse(
    Guid RunId,
    bool Succeeded,
    ConnectionTestOutcome Outcome,
    IReadOnlyList<ConnectionTestEvent> Events,
    [property: Description("The same plain-text report as the screens' Copy report.")] string Report);

/// <summary>Body of <c>POST /api/destinations/export</c>: chosen ids, or a filter, or neither for all.</summary>
public sealed record ExportRequest(IReadOnlyList<Guid>? Ids = null, string? Filter = null);

public sealed record ImportSummary(
    int Create,
    int Update,
    int Unchanged,
    int Conflict,
    int NeedsPassword,
    [property: Description("Updates that change a field the saved password is bound to, so the import removes that password.")] int ClearsPassword);

/// <summary>The answer of <c>POST /api/destinations/import</c>: the plan, and whether it was written.</summary>
public sealed record ImportResponse(bool DryRun, bool Applied, ImportSummary Summary, IReadOnlyList<ImportPlanItem> Items)
{
    public static ImportResponse From(ImportResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var plan = result.Plan;
        return new ImportResponse(
            result.DryRun,
            result.Applied,
            new ImportSummary(plan.CreateCount, plan.UpdateCount, plan.UnchangedCount, plan.ConflictCount, plan.NeedsPasswordCount, plan.ClearsPasswordCount),
            plan.Items);
    }
}
