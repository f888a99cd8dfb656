using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DestinationPortal.TestSupport;

/// <summary>
/// A loopback listener that misbehaves on purpose: never answers, stalls the TLS handshake, or greets like another
/// service. Accepted sockets are held open until disposal so the tester, not the peer, decides when to give up.
/// </summary>
public sealed class FakeServer : IAsyncDisposable
{
    public const string SshBanner = "SSH-2.0-OpenSSH_9.0\r\n";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Socket> _held = [];
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _acceptWaiters = new();
    private readonly Func<Socket, CancellationToken, Task> _behaviour;
    private readonly Task _acceptLoop;
    private int _accepted;

    private FakeServer(Func<Socket, CancellationToken, Task> behaviour)
    {
        _behaviour = behaviour;
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Completes once <paramref name="count"/> connections have been accepted; fails after 30 s.</summary>
    public Task WaitForAcceptedAsync(int count)
    {
        var waiter = _acceptWaiters.GetOrAdd(count, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (Accepted >= count)
        {
            waiter.TrySetResult();
        }

        return waiter.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Accepts TCP and never sends a byte.</summary>
    public static FakeServer Silent() => new((_, _) => Task.CompletedTask);

    /// <summary>Answers SSLRequest with 'S' like PostgreSQL, then never sends the TLS ServerHello.</summary>
    public static FakeServer TlsStall() => new(async (socket, ct) =>
    {
        var request = new byte[8];
        await socket.ReceiveAsync(request, ct);
        await socket.SendAsync("S"u8.ToArray(), ct);
    });

    /// <summary>Greets like an SSH server, as port scanners see it.</summary>
    public static FakeServer Ssh() => new((socket, ct) => socket.SendAsync(Encoding.ASCII.GetBytes(SshBanner), ct).AsTask());

    /// <summary>Answers whatever arrives with an HTTP error, as web servers do with a request they cannot parse.</summary>
    public static FakeServer Http() => new(async (socket, ct) =>
    {
        await socket.ReceiveAsync(new byte[1024], ct);
        await socket.SendAsync(Encoding.ASCII.GetBytes(HttpResponse), ct);
    });

    /// <summary>Answers like a Docker engine's /_ping, so engine detection can be tested without Docker.</summary>
    public static FakeServer DockerPing() => new(async (socket, ct) =>
    {
        await socket.ReceiveAsync(new byte[4096], ct);
        await socket.SendAsync("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK"u8.ToArray(), ct);
        socket.Shutdown(SocketShutdown.Send);
    });

    public const string HttpResponse = "HTTP/1.1 400 Bad Request\r\nServer: nginx/1.25.3\r\nContent-Length: 0\r\n\r\n";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
            // Stopping the listener ends the loop; nothing else to observe.
        }

        foreach (var socket in _held)
        {
            socket.Dispose();
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            _held.Add(socket);
            var accepted = Interlocked.Increment(ref _accepted);
            foreach (var (count, waiter) in _acceptWaiters)
            {
                if (count <= accepted)
                {
                    waiter.TrySetResult();
                }
            }

            try
            {
                await _behaviour(socket, _stop.Token);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                // The tester hung up first; that is its right.
            }
        }
    }
}
