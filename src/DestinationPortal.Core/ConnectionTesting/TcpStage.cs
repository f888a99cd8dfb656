using System.Globalization;
using System.Net;
using System.Net.Sockets;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Localization;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>The connected socket and its address; or, when no address answered, the first address and the failure.</summary>
internal sealed record TcpResult(Socket? Socket, IPAddress Address, Verdict? Failure);

/// <summary>Connects to the allowed addresses in turn, to exactly the address that will be used for everything after.</summary>
internal static class TcpStage
{
    private static Microsoft.Extensions.Localization.IStringLocalizer T => ConnectionTestText.Localizer;

    public static async Task<TcpResult> ConnectAsync(ConnectionTestContext context, IReadOnlyList<IPAddress> candidates, CancellationToken ct)
    {
        context.Events.Enter(ConnectionTestStage.TcpConnection);
        var port = context.Destination.Port;
        var attempts = new List<ConnectionTestDetail>();
        var refused = false;
        foreach (var address in candidates)
        {
            context.Emit(ConnectionTestStatus.Running, T["Tcp.Connecting", context.Endpoint(address)], []);
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            context.Connections.Track(socket);
            try
            {
                var started = context.Time.GetTimestamp();
                await socket.ConnectAsync(new IPEndPoint(address, port), ct);
                context.Emit(ConnectionTestStatus.Succeeded,
                    T["Tcp.Established", context.Endpoint(address), context.Time.GetElapsedTime(started).TotalMilliseconds],
                    [new(T["Detail.Address"], address.ToString()), new(T["Detail.Port"], port.ToString(CultureInfo.InvariantCulture))]);
                return new(socket, address, null);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                refused |= ex.SocketErrorCode == SocketError.ConnectionRefused;
                attempts.Add(new(context.Endpoint(address), ex.SocketErrorCode.Describe()));
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        var explanation = refused
            ? T["Tcp.Refused", string.Join(", ", attempts.Select(a => a.Label)), port.ToString(CultureInfo.InvariantCulture), DestinationField.Port.Label]
            : T["Tcp.Unreachable", string.Join(", ", attempts.Select(a => a.Label)), string.Join(", ", attempts.Select(a => a.Value))];
        return new(null, candidates[0], context.Fail(ConnectionTestCategory.Network, explanation, refused ? DestinationField.Port : context.HostField, attempts));
    }
}
