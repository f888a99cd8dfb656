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
}
