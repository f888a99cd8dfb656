using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace DestinationPortal.Benchmarks;

/// <summary>
/// A TCP relay on loopback that holds every chunk it reads for a fixed delay before forwarding it, in order, so a
/// loopback server looks like one behind a link with twice that round-trip time. The TCP handshake cannot be delayed (the
/// kernel completes it before the relay accepts), so the relay stands in for it: a connection's first chunk from the
/// client is held one round trip longer, which is when it would reach the server on a real link, where the client can
/// send only after the handshake's round trip (PostgreSQL clients speak first). For each connection it records the turns
/// of the conversation (how often the direction of the data changed: a client that writes, waits for the answer and writes
/// again pays one round trip per turn from the server back to it) and whether the server accepted an SSLRequest (a TLS
/// handshake followed).
/// </summary>
internal sealed class DelayProxy : IAsyncDisposable
{
    private const int SslRequestCode = 80877103;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly TimeSpan _delay;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<ConnectionTrace> _connections = new();
    private readonly Task _acceptLoop;

    public DelayProxy(IPEndPoint upstream, TimeSpan oneWayDelay)
    {
        _upstream = upstream;
        _delay = oneWayDelay;
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Forgets the connections seen so far, so the next census counts one test only.</summary>
    public IReadOnlyList<ConnectionTrace> TakeConnections()
    {
        var taken = new List<ConnectionTrace>();
        while (_connections.TryDequeue(out var trace))
        {
            taken.Add(trace);
        }

        return taken;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            var trace = new ConnectionTrace();
            _connections.Enqueue(trace);
            _ = RelayAsync(client, trace);
        }
    }

    private async Task RelayAsync(Socket client, ConnectionTrace trace)
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await server.ConnectAsync(_upstream, _stop.Token);
            using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var up = PumpAsync(client, server, trace, toServer: true, done.Token);
            var down = PumpAsync(server, client, trace, toServer: false, done.Token);
            await Task.WhenAny(up, down);
            await done.CancelAsync();
            await Task.WhenAll(Quietly(up), Quietly(down));
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            // The benchmark ended or a peer went away.
        }
        finally
        {
            client.Dispose();
        }
    }

    private async Task PumpAsync(Socket from, Socket to, ConnectionTrace trace, bool toServer, CancellationToken ct)
    {
        // The reader stamps each chunk with its delivery time and goes on reading, so the link delays without throttling.
        var queue = Channel.CreateUnbounded<(long DueTicks, byte[] Data)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var writer = Task.Run(async () =>
        {
            await foreach (var (due, data) in queue.Reader.ReadAllAsync(ct))
            {
                var wait = TimeSpan.FromTicks(due - DateTime.UtcNow.Ticks);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, ct);
                }

                await to.SendAsync(data, SocketFlags.None, ct);
            }

            to.Shutdown(SocketShutdown.Send);
        }, ct);
        var buffer = new byte[64 * 1024];
        // The TCP handshake's round trip, paid by the client's first chunk (see the class summary).
        var handshake = toServer ? 2 * _delay.Ticks : 0;
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, ct);
                if (read == 0)
                {
                    break;
                }

                trace.Saw(toServer, buffer.AsSpan(0, read));
                queue.Writer.TryWrite((DateTime.UtcNow.Ticks + _delay.Ticks + handshake, buffer[..read]));
                handshake = 0;
            }
        }
        finally
        {
            queue.Writer.TryComplete();
            await Quietly(writer);
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // Either side hung up: the relay's job is over.
        }
    }

    /// <summary>What one relayed connection did.</summary>
    internal sealed class ConnectionTrace
    {
        private readonly Lock _lock = new();
        private bool? _lastToServer;
        private bool _askedTls;

        /// <summary>Times the server answered after the client had spoken: the round trips the client waited for.</summary>
        public int ServerTurns { get; private set; }

        /// <summary>The round trips the client waited for, the TCP handshake's included.</summary>
        public int RoundTrips => ServerTurns + 1;

        public bool Tls { get; private set; }

        public long BytesToServer { get; private set; }

        public long BytesToClient { get; private set; }

        public void Saw(bool toServer, ReadOnlySpan<byte> data)
        {
            lock (_lock)
            {
                if (toServer)
                {
                    BytesToServer += data.Length;
                    // SSLRequest is a message of its own (8 bytes); Npgsql may send GSSENCRequest before it.
                    _askedTls = data.Length == 8 && BinaryPrimitives.ReadInt32BigEndian(data[4..]) == SslRequestCode;
                }
                else
                {
                    BytesToClient += data.Length;
                    Tls |= _askedTls && data[0] == (byte)'S';
                    _askedTls = false;
                    if (_lastToServer == true)
                    {
                        ServerTurns++;
                    }
                }

                _lastToServer = toServer;
            }
        }
    }
}
