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
/// which authentication the server wants for the user. No credential is sent; the socket is closed afterwards, unless
/// the run's relayed login carries on over it.
/// </summary>
internal static class ServerProbe
{
    /// <remarks>
    /// With <paramref name="relay"/>, the startup message the server gets is Npgsql's, carried over this connection
    /// (<see cref="RelayedLogin"/>); the probe still reads the answer itself, and then leaves the connection open to the
    /// relay instead of closing it. Without one, or when Npgsql did not get that far, the probe sends a startup of its own.
    /// </remarks>
    public static async Task<Probe> ProbeAsync(
        ConnectionTestContext context, IReadOnlyList<IPAddress> candidates, bool requestTls, RelayedLogin? relay, CancellationToken ct)
    {
        var tcp = await TcpStage.ConnectAsync(context, candidates, ct);
        if (tcp.Socket is null)
        {
            return new(tcp.Failure, tcp.Address, false, null, null);
        }

        var address = tcp.Address;
        var network = new NetworkStream(tcp.Socket, ownsSocket: true);
        SslStream? ssl = null;
        try
        {
            var tls = requestTls
                ? await TlsStage.NegotiateAsync(context, network, address, ct)
                : TlsStage.Skip(context);
            if (tls.Failure is not null)
            {
                return new(tls.Failure, address, false, tls.ServerOffersTls, null);
            }

            ssl = tls.Stream;
            var encrypted = ssl is not null;
            var stream = (Stream?)ssl ?? network;
            context.Events.Enter(ConnectionTestStage.Authentication);
            context.Emit(ConnectionTestStatus.Running,
                ConnectionTestText.Localizer["Probe.AskingAuthentication", context.User.Name, context.Destination.Database], []);
            var startup = (relay is null ? null : await relay.CarryStartupAsync(stream, network, ct))
                ?? await PostgresWireProbe.SendStartupAsync(stream, context.User.Name, context.Destination.Database, ct);
            return startup.NotPostgreSql
                ? new(context.NotPostgreSql(address, startup.Violation), address, encrypted, tls.ServerOffersTls, null)
                : new(null, address, encrypted, tls.ServerOffersTls, startup, tls.CertificateHash);
        }
        finally
        {
            // A carried connection is the relay's now; it closes it when the run has no use for it.
            if (relay?.Carrying != true)
            {
                if (ssl is not null)
                {
                    await TlsStage.CloseQuietlyAsync(ssl);
                    await ssl.DisposeAsync();
                }

                await network.DisposeAsync();
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
