using System.Net.Sockets;
using System.Security.Authentication;
using DestinationPortal.Core.Destinations;
using Npgsql;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// The open, authenticated connection the database stage checks, and how it was reached: the probe it followed, the
/// method's name, how the session is protected (TLS-encrypted, GSS-encrypted or not encrypted) and, with Windows
/// Authentication, the Kerberos principal the ticket was issued to. Disposing it closes the connection and its unpooled
/// data source.
/// </summary>
internal sealed record AuthenticatedSession(
    NpgsqlDataSource DataSource, NpgsqlConnection Connection, Probe Probe, string MethodName, string Encryption, string? ClientPrincipal) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        await DataSource.DisposeAsync();
    }
}

/// <summary>Either the authenticated session or the verdict that ends the run.</summary>
internal sealed record AuthenticationResult(AuthenticatedSession? Session, Verdict? Failure);

/// <summary>
/// Decides from the probe's answer whether the destination's credentials fit what the server asks for, then
/// authenticates exactly once with Npgsql, to the address the probe reached, allowing only the method the probe saw.
/// </summary>
internal static class AuthenticationStage
{
    public const string WhereToFix = "Where to fix";

    public static async Task<AuthenticationResult> AuthenticateAsync(ConnectionTestContext context, Probe probe, CancellationToken ct)
    {
        context.Events.Enter(ConnectionTestStage.Authentication);
        var startup = probe.Startup!;
        if (startup.SqlState is { } refusedState)
        {
            var serverOffersTls = probe.ServerOffersTls;
            if (refusedState == "28000" && !probe.Encrypted && serverOffersTls is null)
            {
                // pg_hba refused an unencrypted connection (TLS Mode Disable). Whether TLS Mode can help depends on
                // whether the server offers TLS at all, so ask it: one SSLRequest to the same address, nothing else.
                serverOffersTls = await ServerProbe.AskWhetherServerOffersTlsAsync(context, probe.Address, ct);
            }

            return Failed(context.ServerError(refusedState, startup.ErrorMessage ?? "", probe.Encrypted, serverOffersTls, authenticated: startup.Method is not null));
        }

        var method = startup.Method!.Value;
        var methodName = AuthenticationMethods.DisplayName(method, startup.SaslMechanisms, probe.Encrypted);
        var details = new List<ConnectionTestDetail>
        {
            new("User", context.User.Name),
            new("Method requested by the server", methodName),
            new("Encrypted", probe.Encrypted ? "yes (TLS)" : "no"),
        };
        if (RefuseMismatch(context, method, methodName, details) is { } mismatch)
        {
            return Failed(mismatch);
        }

        var kerberos = context.Destination.WindowsAuthentication && method is AuthenticationMethod.Gss or AuthenticationMethod.Sspi;
        string? clientPrincipal = null;
        if (kerberos)
        {
            var ticket = await KerberosStage.RequestServiceTicketAsync(context, details, ct);
            if (ticket.Failure is not null)
            {
                return Failed(ticket.Failure);
            }

            clientPrincipal = ticket.ClientPrincipal;
        }

        // Without TLS, Kerberos encrypts the session itself (GSS encryption), as libpq and Npgsql do by default.
        var gssEncryption = kerberos && !probe.Encrypted;
        var encryption = probe.Encrypted ? "TLS-encrypted" : gssEncryption ? "GSS-encrypted" : "not encrypted";
        context.Emit(ConnectionTestStatus.Running, $"The server asks for {methodName}; authenticating as {clientPrincipal ?? context.User.Name}.", details);
        var dataSource = AuthenticationDataSource.Build(context, probe, method, gssEncryption);
        var session = new AuthenticatedSession(dataSource, dataSource.CreateConnection(), probe, methodName, encryption, clientPrincipal);
        Verdict? failure;
        try
        {
            failure = await OpenAsync(context, session, kerberos, details, ct);
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }

        if (failure is not null)
        {
            await session.DisposeAsync();
            return Failed(failure);
        }

        if (kerberos)
        {
            // "Encrypted" above is what the probe saw (TLS or not); with Kerberos the session may be GSS-encrypted instead.
            details.Add(new("Session encryption", encryption));
        }

        var warnings = AuthenticationMethods.Warnings(method, probe.Encrypted);
        details.AddRange(warnings.Select(w => new ConnectionTestDetail("Warning", w)));
        var authenticated = kerberos
            ? $"Authenticated as {clientPrincipal ?? "the portal's principal"} with {methodName}, as database user {context.User.Name}; {encryption}."
            : $"Authenticated as {context.User.Name} with {methodName}.";
        context.Emit(warnings.Count > 0 ? ConnectionTestStatus.Warning : ConnectionTestStatus.Succeeded,
            authenticated + (warnings.Count > 0 ? " " + string.Join(" ", warnings) : ""), details);
        return new(session, null);
    }

    private static AuthenticationResult Failed(Verdict failure) => new(null, failure);

    /// <summary>The verdict when what the server asks for cannot work with the destination's settings; null when it can.</summary>
    private static Verdict? RefuseMismatch(ConnectionTestContext context, AuthenticationMethod method, string methodName, List<ConnectionTestDetail> details)
    {
        var user = context.User.Name;
        var windowsAuthentication = context.Destination.WindowsAuthentication;
        var passwordMethod = AuthenticationMethods.NeedsPassword(method);
        if (method == AuthenticationMethod.Other)
        {
            return context.Fail(ConnectionTestCategory.Authentication,
                "The server asks for an authentication method this portal does not support (only password, MD5, SCRAM and Kerberos).", DestinationField.Username, details);
        }

        if (windowsAuthentication && passwordMethod)
        {
            details.Add(new(WhereToFix, "the database server (pg_hba.conf), or the form"));
            return context.Fail(ConnectionTestCategory.Authentication,
                $"The server asks for a password ({methodName}) for {user}, but Windows Authentication sends none: the server is not set up " +
                "for Kerberos for this user. Fix on the database server: a gss line for this user in pg_hba.conf (and krb_server_keyfile); " +
                $"or turn off {DestinationField.WindowsAuthentication.Label} and enter the password.",
                DestinationField.WindowsAuthentication, details);
        }

        if (!windowsAuthentication && method is AuthenticationMethod.Gss or AuthenticationMethod.Sspi)
        {
            return context.Fail(ConnectionTestCategory.Authentication, $"The server asks for Kerberos ({methodName}) for this user. Turn on {DestinationField.WindowsAuthentication.Label}.",
                DestinationField.WindowsAuthentication, details);
        }

        if (passwordMethod && string.IsNullOrEmpty(context.Password))
        {
            return context.Fail(ConnectionTestCategory.Authentication, $"The server asks for a password ({methodName}) and none was given. Enter the password.",
                DestinationField.Password, details);
        }

        return null;
    }

    /// <summary>The one authentication attempt of the run; null when it succeeded, else the verdict naming what failed.</summary>
    private static async Task<Verdict?> OpenAsync(
        ConnectionTestContext context, AuthenticatedSession session, bool kerberos, List<ConnectionTestDetail> details, CancellationToken ct)
    {
        var encrypted = session.Probe.Encrypted;
        try
        {
            await session.Connection.OpenAsync(ct);
            return null;
        }
        catch (NpgsqlException ex) when (kerberos && KerberosServerAdvice.IsServerRefusal(ex))
        {
            return KerberosServerAdvice.Failure(context, ex, session.ClientPrincipal, details);
        }
        catch (PostgresException ex)
        {
            return context.ServerError(ex.SqlState, ex.MessageText, encrypted, session.Probe.ServerOffersTls, authenticated: ex.SqlState is not ("28P01" or "28000"));
        }
        catch (NpgsqlException ex) when (ex.InnerException is TimeoutException)
        {
            return context.TimedOut(context.Destination.TimeoutSeconds);
        }
        catch (NpgsqlException ex) when (ex.InnerException is SocketException socketError)
        {
            return context.Fail(ConnectionTestCategory.Network,
                $"The connection for authentication failed although the probe a moment before got through ({socketError.SocketErrorCode.Describe()}).", context.HostField, details);
        }
        catch (NpgsqlException ex) when (ex.InnerException is AuthenticationException)
        {
            return context.Fail(ConnectionTestCategory.Tls,
                "The server's certificate was rejected on the authenticating connection; it differs from the one checked a moment before.", DestinationField.TlsMode, details);
        }
        catch (NpgsqlException ex) when (context.Destination.WindowsAuthentication)
        {
            // Where the portal's own Kerberos step could not run (not Linux), or a failure none of the above explains:
            // Npgsql's wording is all there is.
            var noTicket = ex.Message.Contains("UnknownCredentials", StringComparison.Ordinal);
            details.Add(new("Kerberos error", ex.Message));
            return context.Fail(ConnectionTestCategory.Authentication, noTicket
                ? "Kerberos authentication failed: the portal's process has no Kerberos credentials (no ticket; run kinit or configure a keytab)."
                : $"Kerberos authentication failed: {ex.Message}", DestinationField.WindowsAuthentication, details);
        }
        catch (NpgsqlException ex)
        {
            return context.Fail(ConnectionTestCategory.Authentication, $"Authentication failed: {ex.Message}", null, details);
        }
    }
}
