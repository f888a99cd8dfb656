using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading.Channels;
using DestinationPortal.Core.Destinations;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// One test, start to finish. Stages: resolve the name ourselves and apply the network policy to every address before any
/// socket opens; probe TCP, TLS and the requested authentication method on a raw socket to exactly the checked address
/// (no credential sent); then authenticate once with Npgsql over a fresh unpooled data source to the same address;
/// then run read-only checks.
/// </summary>
internal sealed class ConnectionTestRun
{
    private const int ExpiryWarningDays = 30;
    private const string ApplicationName = "DestinationPortal connection test";

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
    private readonly string _username;
    private long _start;
    private bool _warned;
    private ConnectionTestStage _stage = ConnectionTestStage.NameResolution;
    private CertificateCheck _certificates = null!;

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
        // Npgsql's own fallback for an empty user name with Kerberos is the OS account; the probe must use the same.
        _username = _destination.Username.Length > 0 ? _destination.Username : Environment.UserName;
    }

    private TlsMode Mode => _destination.TlsMode;

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
        var outcome = new ConnectionTestOutcome(verdict.Succeeded, verdict.Stage, verdict.Category, verdict.Explanation, verdict.Field, verdict.SqlState, total);
        var status = !verdict.Succeeded ? ConnectionTestStatus.Failed
            : _warned || verdict.Category is not null ? ConnectionTestStatus.Warning
            : ConnectionTestStatus.Succeeded;
        Emit(ConnectionTestStage.Result, status, verdict.Explanation, [], outcome);
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
        // Npgsql's Timeout does not cover an async TLS handshake and ignores the token before the startup message,
        // so the run has its own deadline as well (see docs/connection-testing.md).
        deadline.CancelAfter(TimeSpan.FromSeconds(deadlineSeconds));
        try
        {
            return await RunStagesAsync(deadline.Token);
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
    }

    private Verdict TimedOut(int seconds)
    {
        var field = _stage is ConnectionTestStage.NameResolution or ConnectionTestStage.TcpConnection ? _hostField : nameof(DestinationInput.Port);
        var hint = _stage switch
        {
            ConnectionTestStage.NameResolution => "the name server did not answer.",
            ConnectionTestStage.TcpConnection => "the host did not accept a TCP connection (a firewall dropping packets, or the wrong address).",
            _ => "something accepted the TCP connection but did not answer like PostgreSQL in time; check that Port is the PostgreSQL port.",
        };
        Emit(_stage, ConnectionTestStatus.Failed, $"No answer within the deadline of {seconds} s.", []);
        return Verdict.Failure(_stage, ConnectionTestCategory.Timeout, $"Timed out after {seconds} s in the {StageName(_stage)} stage: {hint}", field);
    }

    private async Task<Verdict> RunStagesAsync(CancellationToken ct)
    {
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

    private async Task<(IReadOnlyList<IPAddress> Addresses, Verdict? Failure)> ResolveAsync(CancellationToken ct)
    {
        _stage = ConnectionTestStage.NameResolution;
        var host = _destination.ConnectHost;
        var hostDetails = new List<ConnectionTestDetail>
        {
            new("Host used", host),
            new("Why this host", _destination.PrivateEndpoint is null ? "Server Name" : "Private endpoint (Server Name is still used for TLS and Kerberos)"),
        };
        Emit(ConnectionTestStatus.Running, $"Resolving {host}.", hostDetails);
        IPAddress[] addresses;
        try
        {
            addresses = [.. (await _resolver.ResolveAsync(host, ct)).Distinct()];
        }
        catch (SocketException ex)
        {
            return ([], Fail(ConnectionTestCategory.Network, $"The name '{host}' could not be resolved ({ex.SocketErrorCode}). Check the spelling.", _hostField, hostDetails));
        }

        if (addresses.Length == 0)
        {
            return ([], Fail(ConnectionTestCategory.Network, $"The name '{host}' has no addresses.", _hostField, hostDetails));
        }

        var policy = new NetworkPolicy(_options);
        hostDetails.Add(new("Addresses", string.Join(", ", addresses.Select(a => a.ToString()))));
        foreach (var address in addresses)
        {
            if (policy.Check(address, _destination.Port) is { } refusal)
            {
                // Every address is checked, not just the first: a name may mix an allowed and a denied address.
                return ([], Fail(ConnectionTestCategory.RefusedByPolicy,
                    $"This portal may not connect there: {refusal} No connection was attempted.", _hostField, hostDetails));
            }
        }

        hostDetails.Add(new("Network policy", "allowed"));
        Emit(ConnectionTestStatus.Succeeded, $"{host} resolves to {string.Join(", ", addresses.Select(a => a.ToString()))}.", hostDetails);
        return (addresses, null);
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
                Emit(ConnectionTestStatus.Skipped, Mode == TlsMode.Allow
                    ? "TLS Mode is Allow: trying without TLS first; TLS is used only if the server refuses an unencrypted connection."
                    : "TLS Mode is Disable: the connection is not encrypted.", []);
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
                return new Probe(NotPostgreSql(address), address, ssl is not null, null);
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

    /// <summary>
    /// Sends TLS close_notify so the server sees an orderly hang-up at the password prompt instead of a reset, which it
    /// would log as "could not receive data from client".
    /// </summary>
    private static async Task CloseQuietlyAsync(SslStream ssl)
    {
        try
        {
            await ssl.ShutdownAsync();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The probe's answer is already in hand; a failed goodbye changes nothing.
        }
    }

    private async Task<(Socket? Socket, IPAddress Address, Verdict? Failure)> ConnectAsync(IReadOnlyList<IPAddress> candidates, CancellationToken ct)
    {
        var attempts = new List<ConnectionTestDetail>();
        var refused = false;
        foreach (var address in candidates)
        {
            Emit(ConnectionTestStatus.Running, $"Connecting to {Endpoint(address)}.", []);
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                var started = _time.GetTimestamp();
                await socket.ConnectAsync(new IPEndPoint(address, _destination.Port), ct);
                Emit(ConnectionTestStatus.Succeeded, $"TCP connection to {Endpoint(address)} established in {_time.GetElapsedTime(started).TotalMilliseconds:0} ms.",
                    [new("Address", address.ToString()), new("Port", _destination.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
                return (socket, address, null);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                refused |= ex.SocketErrorCode == SocketError.ConnectionRefused;
                attempts.Add(new(Endpoint(address), ex.SocketErrorCode == SocketError.ConnectionRefused ? "connection refused" : ex.SocketErrorCode.ToString()));
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        var explanation = refused
            ? $"Connection refused at {string.Join(", ", attempts.Select(a => a.Label))}: nothing listens on port {_destination.Port} there. Check Port, and that PostgreSQL listens on this address (listen_addresses)."
            : $"Could not reach {string.Join(", ", attempts.Select(a => a.Label))} ({string.Join(", ", attempts.Select(a => a.Value))}).";
        return (null, candidates[0], Fail(ConnectionTestCategory.Network, explanation, refused ? nameof(DestinationInput.Port) : _hostField, attempts));
    }

    private async Task<(SslStream? Stream, Verdict? Failure)> NegotiateTlsAsync(NetworkStream network, IPAddress address, CancellationToken ct)
    {
        Emit(ConnectionTestStatus.Running, "Asking the server for TLS (SSLRequest).", []);
        switch (await PostgresWireProbe.SendSslRequestAsync(network, ct))
        {
            case SslRequestReply.NotPostgreSql:
                return (null, NotPostgreSql(address));
            case SslRequestReply.Declined when Mode == TlsMode.Prefer:
                Emit(ConnectionTestStatus.Warning, "The server does not offer TLS; continuing unencrypted (TLS Mode Prefer).", [new("Encrypted", "no")]);
                return (null, null);
            case SslRequestReply.Declined:
                return (null, Fail(ConnectionTestCategory.Tls,
                    $"The server does not offer TLS, but TLS Mode {Mode.DisplayName()} requires it. Turn on ssl on the server, or choose Prefer to allow an unencrypted connection.",
                    nameof(DestinationInput.TlsMode), [new("Encrypted", "no")]));
        }

        CertificateFindings? findings = null;
        var options = new SslClientAuthenticationOptions();
        _certificates.Apply(options);
        // The callback keeps what it saw, so a rejected certificate is still reported in full.
        options.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
        {
            findings = _certificates.Evaluate(certificate, chain, errors, _time.GetUtcNow());
            return CertificateAcceptable(findings, Mode);
        };
        var ssl = new SslStream(network, leaveInnerStreamOpen: true);
        try
        {
            await ssl.AuthenticateAsClientAsync(options, ct);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync();
            if (findings is not null && !CertificateAcceptable(findings, Mode))
            {
                return (null, CertificateFailure(findings, [.. findings.Details]));
            }

            return (null, Fail(ConnectionTestCategory.Tls, $"The TLS handshake failed: {ex.Message}", nameof(DestinationInput.TlsMode), []));
        }

        findings ??= _certificates.Evaluate(null, null, SslPolicyErrors.RemoteCertificateNotAvailable, _time.GetUtcNow());
        var details = new List<ConnectionTestDetail>
        {
            new("Protocol", ProtocolName(ssl.SslProtocol)),
            new("Cipher suite", ssl.NegotiatedCipherSuite.ToString()),
        };
        details.AddRange(findings.Details);
        var verified = Mode.ChecksCertificate();
        var message = $"Encrypted with {ProtocolName(ssl.SslProtocol)}. " + (verified
            ? $"Certificate verified ({(Mode == TlsMode.VerifyFull ? "chain and name" : "chain; name not checked by Verify CA")})."
            : $"Certificate not checked: TLS Mode {Mode.DisplayName()} encrypts but does not authenticate the server (the check would say: {findings.ChainSummary}).");
        var status = ConnectionTestStatus.Succeeded;
        if (findings.NotAfter is { } notAfter && notAfter > _time.GetUtcNow() && notAfter - _time.GetUtcNow() < TimeSpan.FromDays(ExpiryWarningDays))
        {
            status = ConnectionTestStatus.Warning;
            message += $" The certificate expires in {(notAfter - _time.GetUtcNow()).TotalDays:0} days.";
        }

        Emit(status, message, details);
        return (ssl, null);
    }

    /// <summary>Shared by the probe and by the Npgsql connection's validation callback.</summary>
    private static bool CertificateAcceptable(CertificateFindings findings, TlsMode mode) => mode switch
    {
        TlsMode.VerifyFull => findings.Problems.Count == 0,
        TlsMode.VerifyCA => findings.Problems.All(p => p == CertificateProblem.NameMismatch),
        _ => true,
    };

    private Verdict CertificateFailure(CertificateFindings findings, List<ConnectionTestDetail> details)
    {
        var field = findings.Has(CertificateProblem.UntrustedRoot) || findings.Has(CertificateProblem.OtherChainError) ? nameof(DestinationInput.CaCertificate)
            : findings.Has(CertificateProblem.NameMismatch) ? nameof(DestinationInput.ServerName)
            : findings.Has(CertificateProblem.NoCertificate) ? nameof(DestinationInput.TlsMode)
            : null; // Expired or not yet valid: the fix is on the server.
        return Fail(ConnectionTestCategory.Tls, $"The server certificate failed the {Mode.DisplayName()} check: {findings.ChainSummary}.", field, details);
    }

    private async Task<Verdict> AuthenticateAsync(Probe probe, CancellationToken ct)
    {
        _stage = ConnectionTestStage.Authentication;
        var startup = probe.Startup!;
        if (startup.SqlState is { } refusedState)
        {
            return ServerError(refusedState, startup.ErrorMessage ?? "", probe.Encrypted, authenticated: startup.Method is not null);
        }

        var method = startup.Method!.Value;
        var methodName = AuthenticationMethods.DisplayName(method, startup.SaslMechanisms, probe.Encrypted);
        var details = new List<ConnectionTestDetail>
        {
            new("User", _username),
            new("Method requested by the server", methodName),
            new("Encrypted", probe.Encrypted ? "yes (TLS)" : "no"),
        };
        var passwordMethod = AuthenticationMethods.NeedsPassword(method);
        if (method == AuthenticationMethod.Other)
        {
            return Fail(ConnectionTestCategory.Authentication, "The server asks for an authentication method this portal does not support (only password, MD5, SCRAM and Kerberos).", nameof(DestinationInput.Username), details);
        }

        if (_destination.WindowsAuthentication && passwordMethod)
        {
            return Fail(ConnectionTestCategory.Authentication,
                $"The server asks for a password ({methodName}) but Windows Authentication sends none. Turn off Windows Authentication and enter the password, or configure gss for this user in pg_hba.conf.",
                nameof(DestinationInput.WindowsAuthentication), details);
        }

        if (!_destination.WindowsAuthentication && method is AuthenticationMethod.Gss or AuthenticationMethod.Sspi)
        {
            return Fail(ConnectionTestCategory.Authentication, $"The server asks for Kerberos ({methodName}) for this user. Turn on Windows Authentication.",
                nameof(DestinationInput.WindowsAuthentication), details);
        }

        if (passwordMethod && string.IsNullOrEmpty(_request.Password))
        {
            return Fail(ConnectionTestCategory.Authentication, $"The server asks for a password ({methodName}) and none was given. Enter the password.",
                nameof(DestinationInput.Password), details);
        }

        var warnings = AuthenticationMethods.Warnings(method, probe.Encrypted);
        if (_destination.WindowsAuthentication)
        {
            details.Add(new("Kerberos service principal", $"{_destination.KerberosServiceName}/{_destination.ServerName}"));
            details.Add(new("Client principal", "the Kerberos ticket of the portal's process account, if it has one"));
        }

        Emit(ConnectionTestStatus.Running, $"The server asks for {methodName}; authenticating as {_username}.", details);
        await using var dataSource = BuildDataSource(probe, method);
        await using var connection = dataSource.CreateConnection();
        try
        {
            await connection.OpenAsync(ct);
        }
        catch (PostgresException ex)
        {
            return ServerError(ex.SqlState, ex.MessageText, probe.Encrypted, authenticated: ex.SqlState is not ("28P01" or "28000"));
        }
        catch (NpgsqlException ex) when (ex.InnerException is TimeoutException)
        {
            return TimedOut(_destination.TimeoutSeconds);
        }
        catch (NpgsqlException ex) when (ex.InnerException is SocketException socketError)
        {
            return Fail(ConnectionTestCategory.Network, $"The connection for authentication failed although the probe a moment before got through ({socketError.SocketErrorCode}).", _hostField, details);
        }
        catch (NpgsqlException ex) when (ex.InnerException is AuthenticationException)
        {
            return Fail(ConnectionTestCategory.Tls, "The server's certificate was rejected on the authenticating connection; it differs from the one checked a moment before.", nameof(DestinationInput.TlsMode), details);
        }
        catch (NpgsqlException ex) when (_destination.WindowsAuthentication)
        {
            var noTicket = ex.Message.Contains("UnknownCredentials", StringComparison.Ordinal) || ex.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase);
            details.Add(new("Kerberos error", ex.Message));
            return Fail(ConnectionTestCategory.Authentication, noTicket
                ? "Kerberos authentication failed: the portal's process has no Kerberos credentials (no ticket; run kinit or configure a keytab)."
                : $"Kerberos authentication failed: {ex.Message}", nameof(DestinationInput.WindowsAuthentication), details);
        }
        catch (NpgsqlException ex)
        {
            return Fail(ConnectionTestCategory.Authentication, $"Authentication failed: {ex.Message}", null, details);
        }

        details.AddRange(warnings.Select(w => new ConnectionTestDetail("Warning", w)));
        Emit(warnings.Count > 0 ? ConnectionTestStatus.Warning : ConnectionTestStatus.Succeeded,
            $"Authenticated as {_username} with {methodName}." + (warnings.Count > 0 ? " " + string.Join(" ", warnings) : ""), details);
        return await CheckDatabaseAsync(connection, probe.Encrypted, methodName, ct);
    }

    private NpgsqlDataSource BuildDataSource(Probe probe, AuthenticationMethod method)
    {
        // Typed fields only: nothing the user typed is parsed as connection-string syntax.
        var settings = new NpgsqlConnectionStringBuilder
        {
            Host = probe.Address.ToString(),
            Port = _destination.Port,
            Database = _destination.Database,
            Username = _destination.Username.Length > 0 ? _destination.Username : null,
            Password = _destination.WindowsAuthentication ? null : _request.Password,
            SslMode = probe.Encrypted ? SslMode.Require : SslMode.Disable,
            SslNegotiation = SslNegotiation.Postgres,
            // GSS encryption is never negotiated: Prefer retries a failed open (a second failed authentication) and can
            // hang (npgsql #6524). Kerberos still authenticates; TLS provides the encryption.
            GssEncryptionMode = GssEncryptionMode.Disable,
            ChannelBinding = ChannelBinding.Prefer,
            RequireAuth = AuthenticationMethods.RequireAuth(method),
            KerberosServiceName = _destination.KerberosServiceName,
            Pooling = false,
            Timeout = _destination.TimeoutSeconds,
            CommandTimeout = _destination.TimeoutSeconds,
            ApplicationName = ApplicationName,
            // The checks only read; make the session read-only so nothing they run can write.
            Options = "-c default_transaction_read_only=on",
        };
        var builder = new NpgsqlDataSourceBuilder(settings.ConnectionString);
        builder.UseSslClientAuthenticationOptionsCallback(options =>
        {
            _certificates.Apply(options);
            options.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                CertificateAcceptable(_certificates.Evaluate(certificate, chain, errors, _time.GetUtcNow()), Mode);
        });
        if (_destination.WindowsAuthentication)
        {
            // Npgsql would use Host (the checked IP) in the SPN; Kerberos needs the service's name.
            builder.UseNegotiateOptionsCallback(options => options.TargetName = $"{_destination.KerberosServiceName}/{_destination.ServerName}");
        }

        return builder.Build();
    }

    private async Task<Verdict> CheckDatabaseAsync(NpgsqlConnection connection, bool encrypted, string methodName, CancellationToken ct)
    {
        _stage = ConnectionTestStage.Database;
        Emit(ConnectionTestStatus.Running, "Checking the server and the user's rights (read-only queries).", []);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            select current_user, current_database(),
                   has_database_privilege(current_database(), 'CONNECT'),
                   has_database_privilege(current_database(), 'CREATE'),
                   (select has_schema_privilege(n.oid, 'CREATE') from pg_namespace n where n.nspname = 'public'),
                   s.ssl, s.version, s.cipher, s.bits
            from (select 1) as one
            left join pg_stat_ssl s on s.pid = pg_backend_pid()
            """;
        string user, database;
        bool canConnect, canCreateSchemas;
        bool? canCreateInPublic;
        string serverTls;
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            user = reader.GetString(0);
            database = reader.GetString(1);
            canConnect = reader.GetBoolean(2);
            canCreateSchemas = reader.GetBoolean(3);
            canCreateInPublic = reader.IsDBNull(4) ? null : reader.GetBoolean(4);
            serverTls = !reader.IsDBNull(5) && reader.GetBoolean(5)
                ? $"{reader.GetString(6)}, {reader.GetString(7)}, {reader.GetInt32(8)} bits"
                : "not encrypted";
        }
        catch (PostgresException ex)
        {
            return ServerError(ex.SqlState, ex.MessageText, encrypted, authenticated: true);
        }
        catch (NpgsqlException ex) when (ex.InnerException is TimeoutException)
        {
            return TimedOut(_destination.TimeoutSeconds);
        }
        catch (NpgsqlException ex)
        {
            return Fail(ConnectionTestCategory.Database, $"The read-only checks failed: {ex.Message}", null, []);
        }

        var details = new List<ConnectionTestDetail>
        {
            new("Server version", connection.ServerVersion),
            new("current_user", user),
            new("Database", database),
            new("TLS seen by the server (pg_stat_ssl)", serverTls),
            new("CONNECT on database", YesNo(canConnect)),
            new("CREATE on database", YesNo(canCreateSchemas)),
            new("CREATE on schema public", canCreateInPublic is { } c ? YesNo(c) : "schema public does not exist"),
        };
        var summary = $"Connected to {_destination.ServerName} as {user} ({methodName}, {(encrypted ? "TLS" : "not encrypted")}).";
        if (canCreateInPublic != true)
        {
            Emit(ConnectionTestStatus.Warning, $"{user} cannot create tables in schema public of {database}.", details);
            return new Verdict(true, ConnectionTestStage.Database, ConnectionTestCategory.Permissions,
                summary + $" But {user} cannot create tables in schema public (grant with: GRANT CREATE ON SCHEMA public TO {user}).",
                nameof(DestinationInput.Username), null);
        }

        Emit(ConnectionTestStatus.Succeeded, $"{connection.PostgreSqlVersion}; {user} can connect and create tables in schema public.", details);
        return new Verdict(true, null, null, summary, null, null);
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

    private string Endpoint(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{_destination.Port}" : $"{address}:{_destination.Port}";

    private static string YesNo(bool value) => value ? "yes" : "no";

    private static string StageName(ConnectionTestStage stage) => stage switch
    {
        ConnectionTestStage.NameResolution => "name resolution",
        ConnectionTestStage.TcpConnection => "TCP connection",
        ConnectionTestStage.Tls => "TLS",
        ConnectionTestStage.Authentication => "authentication",
        ConnectionTestStage.Database => "database",
        _ => "result",
    };

    private sealed record Probe(Verdict? Failure, IPAddress Address, bool Encrypted, StartupReply? Startup);

    private sealed record Verdict(bool Succeeded, ConnectionTestStage? Stage, ConnectionTestCategory? Category, string Explanation, string? Field, string? SqlState)
    {
        public static Verdict Failure(ConnectionTestStage? stage, ConnectionTestCategory category, string explanation, string? field) =>
            new(false, stage, category, explanation, field, null);
    }

    // The names people read in server logs and pg_stat_ssl ("TLS 1.3"), not the enum's ("Tls13").
    private static string ProtocolName(System.Security.Authentication.SslProtocols protocol) => protocol switch
    {
        System.Security.Authentication.SslProtocols.Tls13 => "TLS 1.3",
        System.Security.Authentication.SslProtocols.Tls12 => "TLS 1.2",
        _ => protocol.ToString(),
    };
}
