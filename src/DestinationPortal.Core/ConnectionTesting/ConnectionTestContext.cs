using System.Net;
using System.Net.Sockets;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Localization;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// What a run knows before it touches the network, handed to every stage: the request, the database user, the CA
/// check, where events go and which connections to close when the run is stopped. It holds no stage's findings; a
/// stage returns those, and the next stage is given them.
/// </summary>
internal sealed class ConnectionTestContext(
    ConnectionTestRequest request,
    DatabaseUser user,
    CertificateCheck certificates,
    RunEvents events,
    OpenConnections connections,
    TimeProvider time)
{
    private static Microsoft.Extensions.Localization.IStringLocalizer T => ConnectionTestText.Localizer;

    public DestinationDefinition Destination { get; } = request.Destination;

    /// <summary>The password to send; null when none may or need be sent.</summary>
    public string? Password => request.Password;

    public DatabaseUser User { get; } = user;

    public CertificateCheck Certificates { get; } = certificates;

    public RunEvents Events { get; } = events;

    public OpenConnections Connections { get; } = connections;

    public TimeProvider Time { get; } = time;

    public TlsMode Mode => Destination.TlsMode;

    /// <summary>The field holding the host the run connects to.</summary>
    public DestinationField HostField => Destination.PrivateEndpoint is null ? DestinationField.ServerName : DestinationField.PrivateEndpoint;

    /// <summary>A sentence, with its leading space, that a TLS message about an unencrypted session ends with.</summary>
    public string GssEncryptionNote => Destination.WindowsAuthentication ? " " + T["Verdict.GssEncryptionNote"] : "";

    /// <summary>
    /// Always Server Name, also through a private endpoint: the principal belongs to the service's name, not to an address.
    /// An internationalised name in its A-label form, the form a KDC's principals hold.
    /// </summary>
    public string ServicePrincipalName => $"{Destination.KerberosServiceName}/{IdnHost.ToAscii(Destination.ServerName) ?? Destination.ServerName}";

    public void Emit(ConnectionTestStatus status, string message, IReadOnlyList<ConnectionTestDetail> details) => Events.Emit(status, message, details);

    /// <summary>Reports the current stage as failed and returns the verdict that ends the run there.</summary>
    public Verdict Fail(ConnectionTestCategory category, string explanation, DestinationField? field, IReadOnlyList<ConnectionTestDetail> details, string? sqlState = null)
    {
        Emit(ConnectionTestStatus.Failed, explanation, details);
        return new Verdict(false, Events.Stage, category, explanation, field, sqlState);
    }

    public Verdict TimedOut(int seconds)
    {
        var stage = Events.Stage;
        var field = Events.AwaitingKdc ? null
            : stage is ConnectionTestStage.NameResolution or ConnectionTestStage.TcpConnection ? HostField : DestinationField.Port;
        var hint = stage switch
        {
            _ when Events.AwaitingKdc => T["Verdict.Timeout.Kdc"].Value,
            ConnectionTestStage.NameResolution => T["Verdict.Timeout.NameResolution"].Value,
            ConnectionTestStage.TcpConnection => T["Verdict.Timeout.Tcp"].Value,
            _ => T["Verdict.Timeout.NotPostgreSql", DestinationField.Port.Label].Value,
        };
        Events.Emit(stage, ConnectionTestStatus.Failed, T["Verdict.Timeout.NoAnswer", seconds], []);
        return Verdict.Failure(stage, ConnectionTestCategory.Timeout, T["Verdict.Timeout", seconds, Verdict.StageInSentence(stage), hint], field);
    }

    /// <summary>
    /// Maps a server ErrorResponse (from the probe or from Npgsql) to a stage, category and field.
    /// <paramref name="serverOffersTls"/>: the server's answer to SSLRequest in this run; null when it was not asked.
    /// </summary>
    public Verdict ServerError(string sqlState, string message, bool encrypted, bool? serverOffersTls, bool authenticated)
    {
        if (authenticated && Events.Stage == ConnectionTestStage.Authentication)
        {
            // These codes are raised after authentication succeeded, so say so before blaming the database.
            Emit(ConnectionTestStatus.Succeeded, T["Verdict.CredentialsAccepted", User.Name], []);
            Events.Enter(ConnectionTestStage.Database);
        }

        // Server text: bounded and cleaned before it is quoted anywhere.
        sqlState = ReportText.Bound(sqlState, 16);
        message = ReportText.Bound(message);
        var details = new List<ConnectionTestDetail> { new("SQLSTATE", sqlState), new(T["Verdict.Detail.ServerMessage"], message) };
        var (category, field, explanation) = ServerErrors.Classify(sqlState, message, encrypted, serverOffersTls, User.Name, Destination.Database);
        if (serverOffersTls is { } offered && !encrypted)
        {
            details.Add(new(T["Verdict.Detail.TlsOffered"], T[offered ? "Verdict.Yes" : "Verdict.No"]));
        }

        return Fail(category, explanation, field, details, sqlState);
    }

    public Verdict NotPostgreSql(IPAddress address, string? violation = null) =>
        // The peer's bytes are deliberately not quoted: a banner is for an attacker mapping services, not for the report.
        Fail(ConnectionTestCategory.NotPostgreSql,
            violation is null
                ? T["Verdict.NotPostgreSql", Endpoint(address), DestinationField.Port.Label]
                : T["Verdict.NotPostgreSqlSent", Endpoint(address), violation, DestinationField.Port.Label],
            DestinationField.Port, []);

    public string Endpoint(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{Destination.Port}" : $"{address}:{Destination.Port}";
}
