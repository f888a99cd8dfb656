using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// Just enough of a PostgreSQL server, on loopback, for the warm-up's one test (<see cref="FirstUseWarmUp"/>): it
/// answers SSLRequest with a TLS handshake on a throwaway self-signed certificate, asks for a cleartext password, lets the
/// login in, and answers every query with a permission error, so a test runs every stage's code (TCP, TLS, the relay,
/// Npgsql's startup, authentication and first query) without any real server. It never holds real data or credentials:
/// the warm-up's made-up password is all it ever receives, and it listens only until the warm-up has run.
/// </summary>
internal sealed class WarmUpResponder : IAsyncDisposable
{
    private const int SslRequestCode = 80877103;
    private const int MaxMessageLength = 64 * 1024;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly X509Certificate2 _certificate;
    private readonly Task _serving;

    private WarmUpResponder()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Exported and loaded again so the private key is usable by SslStream on every platform.
        _certificate = X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        _listener.Start();
        _serving = ServeAsync(_stop.Token);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static WarmUpResponder Start() => new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _serving;
        _certificate.Dispose();
        _stop.Dispose();
    }

    private async Task ServeAsync(CancellationToken ct)
    {
        var conversations = new List<Task>();
        try
        {
            while (true)
            {
                conversations.Add(ConverseAsync(await _listener.AcceptTcpClientAsync(ct), ct));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        await Task.WhenAll(conversations);
    }

    private async Task ConverseAsync(TcpClient client, CancellationToken ct)
    {
        using var connection = client;
        Stream stream = client.GetStream();
        try
        {
            var startup = await ReadStartupAsync(stream, ct);
            if (startup.Length == 4 && BinaryPrimitives.ReadInt32BigEndian(startup) == SslRequestCode)
            {
                await stream.WriteAsync("S"u8.ToArray(), ct);
                var ssl = new SslStream(stream);
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, ct);
                stream = ssl;
                await ReadStartupAsync(stream, ct);
            }

            await stream.WriteAsync(Authentication(3), ct);
            if ((await ReadMessageAsync(stream, ct)).Type != 'p')
            {
                return;
            }

            await stream.WriteAsync((byte[])
                [.. Authentication(0), .. Parameter("server_version", "15.0"), .. Parameter("server_encoding", "UTF8"),
                 .. Parameter("client_encoding", "UTF8"), .. Parameter("DateStyle", "ISO, MDY"), .. Parameter("integer_datetimes", "on"),
                 .. Parameter("standard_conforming_strings", "on"), .. Parameter("TimeZone", "UTC"),
                 .. Message('K', [0, 0, 0, 1, 0, 0, 0, 1]), .. ReadyForQuery()], ct);
            while (await ReadMessageAsync(stream, ct) is { Type: not 'X' } message)
            {
                if (message.Type is 'S' or 'Q')
                {
                    await stream.WriteAsync((byte[])[.. Message('E', Encoding.UTF8.GetBytes("SERROR\0VERROR\0C42501\0Mwarm-up\0\0")), .. ReadyForQuery()], ct);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException
                                       or System.Security.Authentication.AuthenticationException or InvalidDataException)
        {
            // The warm-up's test ended, or something else connected: either way this conversation is over.
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    /// <summary>A startup message's body (after its length): an SSLRequest's is the 4-byte request code.</summary>
    private static async Task<byte[]> ReadStartupAsync(Stream stream, CancellationToken ct)
    {
        var length = new byte[4];
        await stream.ReadExactlyAsync(length, ct);
        var size = BinaryPrimitives.ReadInt32BigEndian(length);
        if (size is < 8 or > MaxMessageLength)
        {
            throw new InvalidDataException("Not a startup message.");
        }

        var body = new byte[size - 4];
        await stream.ReadExactlyAsync(body, ct);
        return body;
    }

    private static async Task<(char Type, byte[] Body)> ReadMessageAsync(Stream stream, CancellationToken ct)
    {
        var header = new byte[5];
        await stream.ReadExactlyAsync(header, ct);
        var size = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
        if (size is < 4 or > MaxMessageLength)
        {
            throw new InvalidDataException("Not a frontend message.");
        }

        var body = new byte[size - 4];
        await stream.ReadExactlyAsync(body, ct);
        return ((char)header[0], body);
    }

    private static byte[] Authentication(int code)
    {
        var body = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(body, code);
        return Message('R', body);
    }

    private static byte[] Parameter(string name, string value) => Message('S', Encoding.UTF8.GetBytes(name + "\0" + value + "\0"));

    private static byte[] ReadyForQuery() => Message('Z', "I"u8);

    private static byte[] Message(char type, ReadOnlySpan<byte> body)
    {
        var message = new byte[body.Length + 5];
        message[0] = (byte)type;
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), body.Length + 4);
        body.CopyTo(message.AsSpan(5));
        return message;
    }
}
