using System.Net;
using DestinationPortal.Core.Destinations;

namespace DestinationPortal.Core.ConnectionTesting;

internal sealed partial class ConnectionTestRun
{
    private Verdict TimedOut(int seconds)
    {
        var field = _awaitingKdc ? null
            : _stage is ConnectionTestStage.NameResolution or ConnectionTestStage.TcpConnection ? _hostField : nameof(DestinationInput.Port);
        var hint = _stage switch
        {
            _ when _awaitingKdc => "the Kerberos KDC did not answer; check that the KDC is running and reachable from the portal host.",
            ConnectionTestStage.NameResolution => "the name server did not answer.",
            ConnectionTestStage.TcpConnection => "the host did not accept a TCP connection (a firewall dropping packets, or the wrong address).",
            _ => "something accepted the TCP connection but did not answer like PostgreSQL in time; check that Port is the PostgreSQL port.",
        };
        Emit(_stage, ConnectionTestStatus.Failed, $"No answer within the deadline of {seconds} s.", []);
        return Verdict.Failure(_stage, ConnectionTestCategory.Timeout, $"Timed out after {seconds} s in the {StageName(_stage)} stage: {hint}", field);
    }

    /// <summary>Maps a server ErrorResponse (from the probe or from Npgsql) to a stage, category and field.</summary>
    private Verdict ServerError(string sqlState, string message, bool encrypted, bool authenticated)
    {
        if (authenticated && _stage == ConnectionTestStage.Authentication)
        {
            // These codes are raised after authentication succeeded, so say so before blaming the database.
            Emit(ConnectionTestStatus.Succeeded, $"The server accepted the credentials of {_username}.", []);
            _stage = ConnectionTestStage.Database;
        }

        var details = new List<ConnectionTestDetail> { new("SQLSTATE", sqlState), new("Server message", message) };
        var (category, field, explanation) = ServerErrors.Classify(sqlState, message, encrypted, _username, _destination.Database);
        return Fail(category, explanation, field, details, sqlState);
    }

    private Verdict NotPostgreSql(IPAddress address) =>
        // The peer's bytes are deliberately not quoted: a banner is for an attacker mapping services, not for the report.
        Fail(ConnectionTestCategory.NotPostgreSql, $"The service at {Endpoint(address)} is not a PostgreSQL server. Check Port.", nameof(DestinationInput.Port), []);

    private Verdict Fail(ConnectionTestCategory category, string explanation, string? field, IReadOnlyList<ConnectionTestDetail> details, string? sqlState = null)
    {
        Emit(ConnectionTestStatus.Failed, explanation, details);
        return new Verdict(false, _stage, category, explanation, field, sqlState);
    }

    private void Emit(ConnectionTestStatus status, string message, IReadOnlyList<ConnectionTestDetail> details) => Emit(_stage, status, message, details);

    private void Emit(ConnectionTestStage stage, ConnectionTestStatus status, string message, IReadOnlyList<ConnectionTestDetail> details, ConnectionTestOutcome? outcome = null)
    {
        _warned |= status == ConnectionTestStatus.Warning;
        // Copied: callers keep adding to their lists, and an event must not change after it was sent.
        _writer.TryWrite(new ConnectionTestEvent(_request.Id, stage, status, message, [.. details], (long)_time.GetElapsedTime(_start).TotalMilliseconds, outcome));
    }

    private static string StageName(ConnectionTestStage stage) => stage switch
    {
        ConnectionTestStage.NameResolution => "name resolution",
        ConnectionTestStage.TcpConnection => "TCP connection",
        ConnectionTestStage.Tls => "TLS",
        ConnectionTestStage.Authentication => "authentication",
        ConnectionTestStage.Database => "database",
        _ => "result",
    };

    private sealed record Verdict(bool Succeeded, ConnectionTestStage? Stage, ConnectionTestCategory? Category, string Explanation, string? Field, string? SqlState)
    {
        public static Verdict Failure(ConnectionTestStage? stage, ConnectionTestCategory category, string explanation, string? field) =>
            new(false, stage, category, explanation, field, null);
    }
}
