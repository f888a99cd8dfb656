using System.Net.Sockets;
using System.Security.Authentication;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Localization;
using Microsoft.Extensions.Localization;
using Npgsql;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// The open, authenticated connection the database stage checks, and how it was reached: the probe it followed, the
/// method's name, how the session is protected (TLS-encrypted, GSS-encrypted or not encrypted) and, with Windows
/// Authentication, the Kerberos principal the ticket was issued to. Disposing it closes the connection and its unpooled
/// data source.
/// </summary>
internal sealed record AuthenticatedSession(
    NpgsqlDataSource DataSource, NpgsqlConnection Connection, Probe Probe, string MethodName, string Encryption, string? ClientPrincipal,
    RelayedLogin? Relay = null) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        await DataSource.DisposeAsync();
        if (Relay is not null)
        {
            await Relay.CloseAsync();
        }
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
    /// <summary>The detail label the Kerberos advice shares with this stage.</summary>
    public static string WhereToFix => T["Auth.Detail.WhereToFix"];

    private static IStringLocalizer T => ConnectionTestText.Localizer;

    /// <remarks>The login carried over the probe's connection, if any, is adopted when it can serve as the run's one
    /// authentication; otherwise it is left for the run to abandon (it never got the password).</remarks>
    public static async Task<AuthenticationResult> AuthenticateAsync(ConnectionTestContext context, Probe probe, RelayedLogin? relay, CancellationToken ct)
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
        // Npgsql speaks to the relay without TLS, so a relayed SCRAM login cannot bind to the TLS channel (no -PLUS).
        var relayed = relay?.CanServe(method) == true;
        var methodName = AuthenticationMethods.DisplayName(method, startup.SaslMechanisms, channelBinding: probe.Encrypted && !relayed);
        var details = new List<ConnectionTestDetail>
        {
            new(T["Auth.Detail.User"], context.User.Name),
            new(T["Auth.Detail.MethodRequested"], methodName),
            new(T["Tls.Detail.Encrypted"], T[probe.Encrypted ? "Auth.Encrypted.Tls" : "Auth.Encrypted.No"]),
        };
        if (relayed && probe.Encrypted && startup.SaslMechanisms.Contains("SCRAM-SHA-256-PLUS"))
        {
            // Said, so that nobody reads plain SCRAM-SHA-256 as the server not offering binding.
            details.Add(new(T["Auth.Detail.ChannelBinding"], T["Auth.ChannelBinding.NotUsed"]));
        }

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
        string encryption = T[probe.Encrypted ? "Auth.Encryption.Tls" : gssEncryption ? "Auth.Encryption.Gss" : "Auth.Encryption.None"];
        context.Emit(ConnectionTestStatus.Running, T["Auth.Authenticating", methodName, clientPrincipal ?? context.User.Name], details);
        AuthenticatedSession session;
        Task opening;
        // A relay serves only password methods, so a relayed login is never a Kerberos one.
        if (relayed)
        {
            await relay!.AdoptAsync(context.Password!, ct);
            session = new AuthenticatedSession(relay.DataSource, relay.Connection, probe, methodName, encryption, clientPrincipal, relay);
            opening = relay.Opening;
        }
        else
        {
            // A relay that cannot serve (no password asked, -PLUS only) still holds the probe's connection: closed before
            // the login opens its own, as the probe's was before the relay.
            if (relay is not null)
            {
                await relay.AbandonUnlessAdoptedAsync();
            }

            var dataSource = AuthenticationDataSource.Build(context, probe, method, gssEncryption);
            session = new AuthenticatedSession(dataSource, dataSource.CreateConnection(), probe, methodName, encryption, clientPrincipal);
            opening = session.Connection.OpenAsync(ct);
        }

        Verdict? failure;
        try
        {
            failure = await OpenAsync(context, session, opening, kerberos, details);
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
            details.Add(new(T["Auth.Detail.SessionEncryption"], encryption));
        }

        var warnings = AuthenticationMethods.Warnings(method, probe.Encrypted);
        details.AddRange(warnings.Select(w => new ConnectionTestDetail(T["Auth.Detail.Warning"], w)));
        string authenticated = kerberos
            ? T["Auth.AuthenticatedKerberos", clientPrincipal ?? T["Auth.PortalPrincipal"], methodName, context.User.Name, encryption]
            : T["Auth.Authenticated", context.User.Name, methodName];
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
                T["Auth.UnsupportedMethod"], DestinationField.Username, details);
        }

        if (windowsAuthentication && passwordMethod)
        {
            details.Add(new(WhereToFix, T["Auth.WhereToFix.ServerOrForm"]));
            return context.Fail(ConnectionTestCategory.Authentication,
                T["Auth.PasswordDespiteWindowsAuthentication", methodName, user, DestinationField.WindowsAuthentication.Label],
                DestinationField.WindowsAuthentication, details);
        }

        if (!windowsAuthentication && method is AuthenticationMethod.Gss or AuthenticationMethod.Sspi)
        {
            return context.Fail(ConnectionTestCategory.Authentication, T["Auth.KerberosWithoutWindowsAuthentication", methodName, DestinationField.WindowsAuthentication.Label],
                DestinationField.WindowsAuthentication, details);
        }

        if (passwordMethod && string.IsNullOrEmpty(context.Password))
        {
            return context.Fail(ConnectionTestCategory.Authentication, T["Auth.NoPasswordGiven", methodName], DestinationField.Password, details);
        }

        return null;
    }

    /// <summary>The one authentication attempt of the run; null when it succeeded, else the verdict naming what failed.</summary>
    private static async Task<Verdict?> OpenAsync(
        ConnectionTestContext context, AuthenticatedSession session, Task opening, bool kerberos, List<ConnectionTestDetail> details)
    {
        var encrypted = session.Probe.Encrypted;
        try
        {
            await opening;
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
            return context.Fail(ConnectionTestCategory.Network, T["Auth.ReconnectFailed", socketError.SocketErrorCode.Describe()], context.HostField, details);
        }
        catch (NpgsqlException ex) when (ex.InnerException is AuthenticationException)
        {
            return context.Fail(ConnectionTestCategory.Tls, T["Auth.CertificateChanged"], DestinationField.TlsMode, details);
        }
        catch (NpgsqlException ex) when (context.Destination.WindowsAuthentication)
        {
            // Where the portal's own Kerberos step could not run (not Linux), or a failure none of the above explains:
            // Npgsql's wording is all there is.
            var noTicket = ex.Message.Contains("UnknownCredentials", StringComparison.Ordinal);
            details.Add(new(T["Auth.Detail.KerberosError"], ex.Message));
            return context.Fail(ConnectionTestCategory.Authentication, noTicket ? T["Auth.KerberosNoCredentials"] : T["Auth.KerberosFailed", ex.Message],
                DestinationField.WindowsAuthentication, details);
        }
        catch (NpgsqlException ex)
        {
            return context.Fail(ConnectionTestCategory.Authentication, T["Auth.Failed", ex.Message], null, details);
        }
    }
}
