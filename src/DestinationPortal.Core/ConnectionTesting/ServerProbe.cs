using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using DestinationPortal.Core.Localization;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// What the raw-socket probe found, for the authentication stage to act on: the address it reached, whether TLS is in
/// use, the server's answer to SSLRequest (null when not asked) and its answer to the startup message; with TLS, the
/// SHA-256 hash of the certificate it checked.
/// </summary>
internal sealed record Probe(Verdict? Failure, IPAddress Address, bool Encrypted, bool? ServerOffersTls, StartupReply? Startup, byte[]? CertificateHash = null);

/// <summary>
/// The TCP, TLS and first authentication stages on one raw socket: connect, negotiate TLS as TLS Mode says, then ask
/// which authentication the server wants for the user. No credential is sent; the socket is closed afterwards.
/// </summary>
internal static class ServerProbe
{
    /// <remarks>
    /// <c>startLogin</c>, when given, is called with the first candidate as the probe starts to connect, so the run's login
    /// (<see cref="OverlappedLogin"/>) has its TCP and TLS handshakes and startup in the same round trips as the probe's,
    /// instead of after them. It is only called when TLS is asked for: the login needs TLS to be closed from outside.
    /// </remarks>
    public static async Task<Probe> ProbeAsync(
        ConnectionTestContext context, IReadOnlyList<IPAddress> candidates, bool requestTls, Action<IPAddress>? startLogin, CancellationToken ct)
    {
        if (requestTls)
        {
            startLogin?.Invoke(candidates[0]);
        }

        var tcp = await TcpStage.ConnectAsync(context, candidates, ct);
        if (tcp.Socket is null)
        {
            return new(tcp.Failure, tcp.Address, false, null, null);
        }

        var address = tcp.Address;
        await using var network = new NetworkStream(tcp.Socket, ownsSocket: true);
        var tls = requestTls
            ? await TlsStage.NegotiateAsync(context, network, address, ct)
            : TlsStage.Skip(context);
        if (tls.Failure is not null)
        {
            return new(tls.Failure, address, false, tls.ServerOffersTls, null);
        }

        SslStream? ssl = tls.Stream;
        try
        {
            var encrypted = ssl is not null;
            context.Events.Enter(ConnectionTestStage.Authentication);
            context.Emit(ConnectionTestStatus.Running,
                ConnectionTestText.Localizer["Probe.AskingAuthentication", context.User.Name, context.Destination.Database], []);
            var startup = await PostgresWireProbe.SendStartupAsync((Stream?)ssl ?? network, context.User.Name, context.Destination.Database, ct);
            return startup.NotPostgreSql
                ? new(context.NotPostgreSql(address, startup.Violation), address, encrypted, tls.ServerOffersTls, null)
                : new(null, address, encrypted, tls.ServerOffersTls, startup, tls.CertificateHash);
        }
        finally
        {
            if (ssl is not null)
            {
                await TlsStage.CloseQuietlyAsync(ssl);
                await ssl.DisposeAsync();
            }
        }
    }

    /// <summary>True or false as the server answers an SSLRequest; null when it cannot be asked.</summary>
    public static async Task<bool?> AskWhetherServerOffersTlsAsync(ConnectionTestContext context, IPAddress address, CancellationToken ct)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        context.Connections.Track(socket);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, context.Destination.Port), ct);
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
}
