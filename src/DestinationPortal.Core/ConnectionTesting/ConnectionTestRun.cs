using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Channels;
using DestinationPortal.Core.Destinations;
using Microsoft.Extensions.Logging;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// One test, start to finish. Stages: resolve the name ourselves and apply the network policy to every address before any
/// socket opens; probe TCP, TLS and the requested authentication method on a raw socket to exactly the checked address
/// (no credential sent); then authenticate once with Npgsql over a fresh unpooled data source to the same address;
/// then run read-only checks.
/// Each stage lives in its own file (ConnectionTestRun.NameResolution.cs, .TcpConnection.cs, .Tls.cs, .Authentication.cs
/// with .Kerberos.cs for Windows Authentication, .Database.cs, .Result.cs); this file holds the run's state and the order
/// of the stages.
/// </summary>
internal sealed partial class ConnectionTestRun
{
    private readonly ConnectionTestRequest _request;
    private readonly DestinationDefinition _destination;
    private readonly ConnectionTestingOptions _options;
    private readonly ConnectionTestGate _gate;
    private readonly string _user;
    private readonly IHostNameResolver _resolver;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ChannelWriter<ConnectionTestEvent> _writer;
    private readonly string _hostField;
    private string _username = "";
    private KerberosIdentity? _kerberos;
    private long _start;
    private bool _warned;
    private ConnectionTestStage _stage = ConnectionTestStage.NameResolution;
    private CertificateCheck _certificates = null!;

    // What the SSLRequest answer showed: true 'S', false 'N', null when the run did not ask (Disable, Allow's first try).
    // Advice that blames TLS Mode needs it.
    private bool? _serverOffersTls;

    // Every socket and stream the run has open to the server, closed at once when the deadline passes or the caller
    // goes away, so that no abandoned read goes on receiving from a server that never stops sending.
    private readonly ConcurrentBag<IDisposable> _open = [];
    private volatile bool _aborted;

    private readonly Lock _emitLock = new();
    private bool _ended;

    // What the events other than Result may still add; the reserve keeps room for the Result and for the short
    // messages of steps reported after the budget ran out.
    private int _reportBudget = ReportText.MaxReportLength - (16 * 1024);

    public ConnectionTestRun(
        ConnectionTestRequest request,
        ConnectionTestingOptions options,
        ConnectionTestGate gate,
        string user,
        IHostNameResolver resolver,
        TimeProvider time,
        ILogger logger,
        ChannelWriter<ConnectionTestEvent> writer)
    {
        _request = request;
        _destination = request.Destination;
        _options = options;
        _gate = gate;
        _user = user;
        _resolver = resolver;
        _time = time;
        _logger = logger;
        _writer = writer;
        _hostField = _destination.PrivateEndpoint is null ? nameof(DestinationInput.ServerName) : nameof(DestinationInput.PrivateEndpoint);
    }

    private TlsMode Mode => _destination.TlsMode;

    private string GssEncryptionNote => _destination.WindowsAuthentication
        ? " With Windows Authentication, Kerberos encrypts the session instead (GSS encryption) when the server uses Kerberos for this user."
        : "";

    public async Task ExecuteAsync(CancellationToken stop)
    {
        // Yield first so RunAsync's reader is in place and the caller's thread is not held by the first stage.
        await Task.Yield();
        _start = _time.GetTimestamp();
        Verdict verdict;
        try
        {
            verdict = await ExecuteGuardedAsync(stop);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogError(ex, "Connection test {RunId} failed unexpectedly in stage {Stage}", _request.Id, _stage);
            verdict = Verdict.Failure(_stage, ConnectionTestCategory.Configuration, "The test stopped because of an unexpected error; the portal's log has the details.", null);
        }
        catch (OperationCanceledException)
        {
            verdict = Verdict.Failure(_stage, ConnectionTestCategory.Cancelled, "The test was cancelled.", null);
        }

        var total = (long)_time.GetElapsedTime(_start).TotalMilliseconds;
        var explanation = ReportText.Bound(verdict.Explanation, ReportText.MaxMessageLength);
        var sqlState = verdict.SqlState is null ? null : ReportText.Bound(verdict.SqlState, 16);
        var outcome = new ConnectionTestOutcome(verdict.Succeeded, verdict.Stage, verdict.Category, explanation, verdict.Field, sqlState, total);
        var status = !verdict.Succeeded ? ConnectionTestStatus.Failed
            : _warned || verdict.Category is not null ? ConnectionTestStatus.Warning
            : ConnectionTestStatus.Succeeded;
        Emit(ConnectionTestStage.Result, status, explanation, [], outcome);
        _logger.LogInformation(
            "Connection test {RunId} by {User} to {Host}:{Port} ended {Status} (category {Category}, stage {Stage}, SQLSTATE {SqlState}) after {Milliseconds} ms",
            _request.Id, _user, _destination.ConnectHost, _destination.Port, status, verdict.Category, verdict.Stage, verdict.SqlState, total);
        _writer.TryComplete();
    }

    private async Task<Verdict> ExecuteGuardedAsync(CancellationToken stop)
    {
        if (_options.Mode != ConnectionTestingMode.Enabled)
        {
            return Verdict.Failure(null, ConnectionTestCategory.RefusedByPolicy, "Test Connection is disabled on this portal (ConnectionTesting:Mode).", null);
        }

        using var lease = _gate.TryEnter(_user, _options.MaxConcurrentTests, _options.MaxConcurrentTestsPerUser);
        if (lease is null)
        {
            return Verdict.Failure(null, ConnectionTestCategory.Busy,
                $"Too many connection tests are running (at most {_options.MaxConcurrentTestsPerUser} per user and {_options.MaxConcurrentTests} in total). Try again when one has finished.", null);
        }

        if (CertificateCheck.TryCreate(_destination.ServerName, _destination.CaCertificatePem, out var certificateError) is not { } certificates)
        {
            return Verdict.Failure(null, ConnectionTestCategory.Configuration, certificateError!, nameof(DestinationInput.CaCertificate));
        }

        _certificates = certificates;
        var deadlineSeconds = _destination.TimeoutSeconds + _options.DeadlineMarginSeconds;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        // Npgsql's Timeout does not cover an async TLS handshake, and its token is ignored before the startup message
        // and again after AuthenticationOk, where a server sending a notice every few milliseconds keeps it reading
        // forever. So the run has its own deadline: the stages race it, the run ends (and frees its slot) the moment
        // it passes, and every socket still open is closed under whatever was reading it (see docs/connection-testing.md).
        deadline.CancelAfter(TimeSpan.FromSeconds(deadlineSeconds));
        var stages = RunStagesAsync(deadline.Token);
        try
        {
            return await stages.WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Emit(_stage, ConnectionTestStatus.Failed, "Cancelled.", []);
            return Verdict.Failure(_stage, ConnectionTestCategory.Cancelled, $"The test was cancelled during the {StageName(_stage)} stage.", null);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return TimedOut(deadlineSeconds);
        }
        finally
        {
            if (!stages.IsCompleted)
            {
                // Abandoned at the deadline or by the caller: close its sockets under it, so it ends at once with an
                // error nobody waits for instead of reading on.
                AbortConnections();
                _ = stages.ContinueWith(
                    static (task, logger) => ((ILogger)logger!).LogDebug(task.Exception, "An abandoned connection test stage ended with an error"),
                    _logger, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Keeps <paramref name="connection"/> to be closed if the run is stopped; closes it at once if it already was.</summary>
    private void Track(IDisposable connection)
    {
        _open.Add(connection);
        if (_aborted)
        {
            CloseQuietly(connection);
        }
    }

    private void AbortConnections()
    {
        _aborted = true;
        foreach (var connection in _open)
        {
            CloseQuietly(connection);
        }
    }

    private static void CloseQuietly(IDisposable connection)
    {
        try
        {
            connection.Dispose();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or SocketException)
        {
            // A socket that fails to close is already unusable, which is all this wants.
        }
    }

    private async Task<Verdict> RunStagesAsync(CancellationToken ct)
    {
        ChooseDatabaseUser();
        var resolved = await ResolveAsync(ct);
        if (resolved.Failure is { } resolveFailure)
        {
            return resolveFailure;
        }

        var probe = await ProbeAsync(resolved.Addresses, requestTls: Mode is not (TlsMode.Disable or TlsMode.Allow), ct);
        if (probe.Failure is null && Mode == TlsMode.Allow && probe.Startup?.SqlState == "28000")
        {
            // libpq's Allow: plaintext first, TLS only when the server refuses. Only a pg_hba refusal triggers the retry,
            // never a wrong password, so one test never costs two failed authentications.
            Emit(ConnectionTestStage.Authentication, ConnectionTestStatus.Warning,
                $"The server refused the unencrypted connection ({probe.Startup.ErrorMessage}). TLS Mode Allow retries with TLS.", []);
            probe = await ProbeAsync([probe.Address], requestTls: true, ct);
        }

        if (probe.Failure is { } probeFailure)
        {
            return probeFailure;
        }

        return await AuthenticateAsync(probe, ct);
    }

    private async Task<Probe> ProbeAsync(IReadOnlyList<IPAddress> candidates, bool requestTls, CancellationToken ct)
    {
        _stage = ConnectionTestStage.TcpConnection;
        var (socket, address, connectFailure) = await ConnectAsync(candidates, ct);
        if (socket is null)
        {
            return new Probe(connectFailure, address, false, null);
        }

        await using var network = new NetworkStream(socket, ownsSocket: true);
        _stage = ConnectionTestStage.Tls;
        Stream stream = network;
        SslStream? ssl = null;
        try
        {
            if (!requestTls)
            {
                Emit(ConnectionTestStatus.Skipped, (Mode == TlsMode.Allow
                    ? "TLS Mode is Allow: trying without TLS first; TLS is used only if the server refuses an unencrypted connection."
                    : "TLS Mode is Disable: the connection is not encrypted by TLS.") + GssEncryptionNote, []);
            }
            else
            {
                var tls = await NegotiateTlsAsync(network, address, ct);
                if (tls.Failure is not null)
                {
                    return new Probe(tls.Failure, address, false, null);
                }

                ssl = tls.Stream;
                stream = (Stream?)ssl ?? network;
            }

            _stage = ConnectionTestStage.Authentication;
            Emit(ConnectionTestStatus.Running,
                $"Asking which authentication the server wants for user {_username} on database {_destination.Database} (no credential sent).", []);
            var startup = await PostgresWireProbe.SendStartupAsync(stream, _username, _destination.Database, ct);
            if (startup.NotPostgreSql)
            {
                return new Probe(NotPostgreSql(address, startup.Violation), address, ssl is not null, null);
            }

            return new Probe(null, address, ssl is not null, startup);
        }
        finally
        {
            if (ssl is not null)
            {
                await CloseQuietlyAsync(ssl);
                await ssl.DisposeAsync();
            }
        }
    }

    private sealed record Probe(Verdict? Failure, IPAddress Address, bool Encrypted, StartupReply? Startup);
}
