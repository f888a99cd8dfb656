using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

/// <summary>
/// A hostile "PostgreSQL server" on loopback that wants passwords: it declines TLS (and GSS encryption), reads the
/// startup message, asks for a cleartext password (AuthenticationCleartextPassword) and records every PasswordMessage
/// it receives, then refuses the sign-in. A man in the middle or a host an Editor typed would behave like this. Given a
/// certificate, it accepts TLS with it instead: an impostor whose certificate a replaced CA certificate would trust.
/// </summary>
internal sealed class PasswordCaptureServer : IAsyncDisposable
{
    private const int SslRequestCode = 80877103;
    private const int GssEncRequestCode = 80877104;
    private const int ProtocolVersion3 = 196608;
    private const int MaxMessageLength = 64 * 1024;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly ConcurrentQueue<string> _passwords = new();
    private readonly X509Certificate2? _tlsCertificate;
    private readonly Task _acceptLoop;
    private int _accepted;
    private int _startups;

    public PasswordCaptureServer(X509Certificate2? tlsCertificate = null)
    {
        _tlsCertificate = tlsCertificate;
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Startup messages received: connections that got as far as the password prompt.</summary>
    public int Startups => Volatile.Read(ref _startups);

    /// <summary>Every password a client sent, in order.</summary>
    public IReadOnlyList<string> Passwords => [.. _passwords];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        await Task.WhenAll(_connections);
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
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            // The tester opens probe connections beside Npgsql's; each is served on its own.
            _connections.Add(Task.Run(() => ServeAsync(socket)));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var ct = timeout.Token;
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            while (true)
            {
                var length = await ReadInt32Async(stream, ct);
                if (length is < 8 or > MaxMessageLength)
                {
                    return;
                }

                var code = await ReadInt32Async(stream, ct);
                var rest = new byte[length - 8];
                await stream.ReadExactlyAsync(rest, ct);
                if (code is SslRequestCode && _tlsCertificate is not null)
                {
                    await stream.WriteAsync("S"u8.ToArray(), ct);
                    var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                    await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _tlsCertificate }, ct);
                    stream = tls;
                    continue;
                }

                if (code is SslRequestCode or GssEncRequestCode)
                {
                    await stream.WriteAsync("N"u8.ToArray(), ct);
                    continue;
                }

                if (code != ProtocolVersion3)
                {
                    return;
                }

                Interlocked.Increment(ref _startups);
                break;
            }

            // AuthenticationCleartextPassword: 'R', length 8, method 3.
            await stream.WriteAsync(new byte[] { (byte)'R', 0, 0, 0, 8, 0, 0, 0, 3 }, ct);
            var type = new byte[1];
            await stream.ReadExactlyAsync(type, ct);
            var bodyLength = await ReadInt32Async(stream, ct);
            if (type[0] != (byte)'p' || bodyLength is < 4 or > MaxMessageLength)
            {
                return;
            }

            var body = new byte[bodyLength - 4];
            await stream.ReadExactlyAsync(body, ct);
            _passwords.Enqueue(Encoding.UTF8.GetString(body).TrimEnd('\0'));
            await stream.WriteAsync(ErrorResponse("28P01", "password authentication failed"), ct);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            // The client hung up (no password to give, or TLS refused): exactly what the tests hope for.
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    private static async Task<int> ReadInt32Async(Stream stream, CancellationToken ct)
    {
        var buffer = new byte[4];
        await stream.ReadExactlyAsync(buffer, ct);
        return BinaryPrimitives.ReadInt32BigEndian(buffer);
    }

    private static byte[] ErrorResponse(string sqlState, string message)
    {
        var fields = Encoding.UTF8.GetBytes($"SFATAL\0VFATAL\0C{sqlState}\0M{message}\0\0");
        var frame = new byte[1 + 4 + fields.Length];
        frame[0] = (byte)'E';
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), 4 + fields.Length);
        fields.CopyTo(frame, 5);
        return frame;
    }
}
