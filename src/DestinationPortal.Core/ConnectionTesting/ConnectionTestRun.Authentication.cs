using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using DestinationPortal.Core.Destinations;
using Npgsql;

namespace DestinationPortal.Core.ConnectionTesting;

internal sealed partial class ConnectionTestRun
{
    private const string ApplicationName = "DestinationPortal connection test";

    private async Task<Verdict> AuthenticateAsync(Probe probe, CancellationToken ct)
    {
        _stage = ConnectionTestStage.Authentication;
        var startup = probe.Startup!;
        if (startup.SqlState is { } refusedState)
        {
            if (refusedState == "28000" && !probe.Encrypted && _serverOffersTls is null)
            {
                // pg_hba refused an unencrypted connection (TLS Mode Disable). Whether TLS Mode can help depends on
                // whether the server offers TLS at all, so ask it: one SSLRequest to the same address, nothing else.
                _serverOffersTls = await AskWhetherServerOffersTlsAsync(probe.Address, ct);
            }

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
            details.Add(new(WhereToFix, "the database server (pg_hba.conf), or the form"));
            return Fail(ConnectionTestCategory.Authentication,
                $"The server asks for a password ({methodName}) for {_username}, but Windows Authentication sends none: the server is not set up " +
                "for Kerberos for this user. Fix on the database server: a gss line for this user in pg_hba.conf (and krb_server_keyfile); " +
                "or turn off Windows Authentication and enter the password.",
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
        var kerberos = _destination.WindowsAuthentication && method is AuthenticationMethod.Gss or AuthenticationMethod.Sspi;
        string? clientPrincipal = null;
        if (kerberos)
        {
            (clientPrincipal, var ticketFailure) = await RequestServiceTicketAsync(details, ct);
            if (ticketFailure is not null)
            {
                return ticketFailure;
            }
        }

        // Without TLS, Kerberos encrypts the session itself (GSS encryption), as libpq and Npgsql do by default.
        var gssEncryption = kerberos && !probe.Encrypted;
        var encryption = probe.Encrypted ? "TLS-encrypted" : gssEncryption ? "GSS-encrypted" : "not encrypted";
        Emit(ConnectionTestStatus.Running, $"The server asks for {methodName}; authenticating as {clientPrincipal ?? _username}.", details);
        await using var dataSource = BuildDataSource(probe, method, gssEncryption);
        await using var connection = dataSource.CreateConnection();
        try
        {
            await connection.OpenAsync(ct);
        }
        catch (NpgsqlException ex) when (kerberos && IsKerberosServerRefusal(ex))
        {
            return KerberosServerFailure(ex, clientPrincipal, details);
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
            // Where the portal's own Kerberos step could not run (not Linux), or a failure none of the above explains:
            // Npgsql's wording is all there is.
            var noTicket = ex.Message.Contains("UnknownCredentials", StringComparison.Ordinal);
            details.Add(new("Kerberos error", ex.Message));
            return Fail(ConnectionTestCategory.Authentication, noTicket
                ? "Kerberos authentication failed: the portal's process has no Kerberos credentials (no ticket; run kinit or configure a keytab)."
                : $"Kerberos authentication failed: {ex.Message}", nameof(DestinationInput.WindowsAuthentication), details);
        }
        catch (NpgsqlException ex)
        {
            return Fail(ConnectionTestCategory.Authentication, $"Authentication failed: {ex.Message}", null, details);
        }

        if (kerberos)
        {
            // "Encrypted" above is what the probe saw (TLS or not); with Kerberos the session may be GSS-encrypted instead.
            details.Add(new("Session encryption", encryption));
        }

        details.AddRange(warnings.Select(w => new ConnectionTestDetail("Warning", w)));
        var authenticated = kerberos
            ? $"Authenticated as {clientPrincipal ?? "the portal's principal"} with {methodName}, as database user {_username}; {encryption}."
            : $"Authenticated as {_username} with {methodName}.";
        Emit(warnings.Count > 0 ? ConnectionTestStatus.Warning : ConnectionTestStatus.Succeeded,
            authenticated + (warnings.Count > 0 ? " " + string.Join(" ", warnings) : ""), details);
        return await CheckDatabaseAsync(connection, probe.Encrypted, encryption, methodName, clientPrincipal, ct);
    }

    /// <summary>True or false as the server answers an SSLRequest; null when it cannot be asked.</summary>
    private async Task<bool?> AskWhetherServerOffersTlsAsync(IPAddress address, CancellationToken ct)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Track(socket);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, _destination.Port), ct);
            await using var network = new NetworkStream(socket, ownsSocket: false);
            return await PostgresWireProbe.SendSslRequestAsync(network, ct) switch
            {
                SslRequestReply.Accepted => true,
                SslRequestReply.Declined => false,
                _ => null,
            };
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return null;
        }
    }

    private NpgsqlDataSource BuildDataSource(Probe probe, AuthenticationMethod method, bool gssEncryption)
    {
        // Typed fields only: nothing the user typed is parsed as connection-string syntax.
        var settings = new NpgsqlConnectionStringBuilder
        {
            Host = probe.Address.ToString(),
            Port = _destination.Port,
            Database = _destination.Database,
            // The user the probe asked about. Left empty, Npgsql would pick its own with Kerberos (by running klist, which
            // cannot see a MEMORY: ticket cache, else the OS account), so the probe and the login could differ.
            Username = _username,
            Password = _destination.WindowsAuthentication ? null : _request.Password,
            SslMode = probe.Encrypted ? SslMode.Require : SslMode.Disable,
            SslNegotiation = SslNegotiation.Postgres,
            // Never Prefer: it retries a failed open (a second failed authentication) and can hang (npgsql #6524). Require
            // is one attempt; it is used only where the probe saw the server ask for Kerberos and TLS is not in use.
            GssEncryptionMode = gssEncryption ? GssEncryptionMode.Require : GssEncryptionMode.Disable,
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
            options.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
            {
                // Npgsql's SslStream owns its socket: closing it at the deadline ends any read Npgsql still has pending.
                if (sender is SslStream npgsqlStream)
                {
                    Track(npgsqlStream);
                }

                return CertificateAcceptable(_certificates.Evaluate(certificate, chain, errors, _time.GetUtcNow()), Mode);
            };
        });
        if (_destination.WindowsAuthentication)
        {
            // Npgsql would use Host (the checked IP) in the SPN; Kerberos needs the service's name.
            builder.UseNegotiateOptionsCallback(options => options.TargetName = ServicePrincipalName);
        }

        return builder.Build();
    }
}
