using System.Net;
using System.Net.Sockets;
using DestinationPortal.Core.Destinations;

namespace DestinationPortal.Core.ConnectionTesting;

internal sealed partial class ConnectionTestRun
{
    private async Task<(Socket? Socket, IPAddress Address, Verdict? Failure)> ConnectAsync(IReadOnlyList<IPAddress> candidates, CancellationToken ct)
    {
        var attempts = new List<ConnectionTestDetail>();
        var refused = false;
        foreach (var address in candidates)
        {
            Emit(ConnectionTestStatus.Running, $"Connecting to {Endpoint(address)}.", []);
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            Track(socket);
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

    private string Endpoint(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{_destination.Port}" : $"{address}:{_destination.Port}";
}
