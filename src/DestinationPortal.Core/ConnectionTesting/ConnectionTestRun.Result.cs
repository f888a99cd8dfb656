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

        // Server text: bounded and cleaned before it is quoted anywhere.
        sqlState = ReportText.Bound(sqlState, 16);
        message = ReportText.Bound(message);
        var details = new List<ConnectionTestDetail> { new("SQLSTATE", sqlState), new("Server message", message) };
        var (category, field, explanation) = ServerErrors.Classify(sqlState, message, encrypted, _serverOffersTls, _username, _destination.Database);
        if (_serverOffersTls is { } offered && !encrypted)
        {
            details.Add(new("TLS offered by the server", offered ? "yes" : "no"));
        }

        return Fail(category, explanation, field, details, sqlState);
    }

    private Verdict NotPostgreSql(IPAddress address, string? violation = null) =>
        // The peer's bytes are deliberately not quoted: a banner is for an attacker mapping services, not for the report.
        Fail(ConnectionTestCategory.NotPostgreSql,
            $"The service at {Endpoint(address)} is not a PostgreSQL server{(violation is null ? "" : $" (it sent {violation})")}. Check Port.",
            nameof(DestinationInput.Port), []);

    private Verdict Fail(ConnectionTestCategory category, string explanation, string? field, IReadOnlyList<ConnectionTestDetail> details, string? sqlState = null)
    {
        Emit(ConnectionTestStatus.Failed, explanation, details);
        return new Verdict(false, _stage, category, explanation, field, sqlState);
    }

    private void Emit(ConnectionTestStatus status, string message, IReadOnlyList<ConnectionTestDetail> details) => Emit(_stage, status, message, details);

    /// <summary>
    /// The one way out for text: every message and detail is bounded and cleaned here (<see cref="ReportText"/>), and the
    /// run's events together stay under <see cref="ReportText.MaxReportLength"/>. Once the budget is spent, later steps
    /// keep their status and a short message but lose their details; the Result event is always sent, and is the last.
    /// </summary>
    private void Emit(ConnectionTestStage stage, ConnectionTestStatus status, string message, IReadOnlyList<ConnectionTestDetail> details, ConnectionTestOutcome? outcome = null)
    {
        lock (_emitLock)
        {
            // A stage abandoned at the deadline may still try to report; the run has ended.
            if (_ended)
            {
                return;
            }

            _ended = outcome is not null;
            _warned |= status == ConnectionTestStatus.Warning;
            var text = ReportText.Bound(message, ReportText.MaxMessageLength);
            // Copied: callers keep adding to their lists, and an event must not change after it was sent.
            List<ConnectionTestDetail> bounded = [.. details.Select(d => new ConnectionTestDetail(ReportText.Bound(d.Label, 128), ReportText.Bound(d.Value)))];
            var size = text.Length + bounded.Sum(d => d.Label.Length + d.Value.Length);
            if (outcome is null && size > _reportBudget)
            {
                text = ReportText.Bound(text, 256);
                bounded = [new("Note", "The report reached its size limit; the details of this step are left out.")];
                size = text.Length + 80;
            }

            _reportBudget -= size;
            _writer.TryWrite(new ConnectionTestEvent(_request.Id, stage, status, text, bounded, (long)_time.GetElapsedTime(_start).TotalMilliseconds, outcome));
        }
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
