using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using static DestinationPortal.Core.ConnectionTesting.ServerWire;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// Just enough of a PostgreSQL server, on loopback, for the warm-up's one test (<see cref="FirstUseWarmUp"/>): it answers
/// SSLRequest with a TLS handshake on a throwaway self-signed certificate, offers SASL like PostgreSQL 15 over TLS, runs
/// SCRAM-SHA-256's server side (RFC 5802/7677) for the one password it was started with, and answers the Database stage's
/// query with one row of the same column types a real server sends. So a test runs every stage's code on the path of a
/// real successful test (TCP, TLS, the relay, Npgsql's startup and SCRAM client, the first query, reading its row, the
/// success report) without any real server. It never holds real data or credentials: the warm-up's made-up password is
/// all it knows, and it listens only until the warm-up has run.
/// </summary>
internal sealed class WarmUpResponder : IAsyncDisposable
{
    private const int MaxMessageLength = 64 * 1024;
    private const int ScramIterations = 4096;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly X509Certificate2 _certificate;
    private readonly string _password;
    private readonly Task _serving;

    private WarmUpResponder(string password)
    {
        _password = password;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Exported and loaded again so the private key is usable by SslStream on every platform.
        _certificate = X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        _listener.Start();
        _serving = ServeAsync(_stop.Token);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Starts listening; a login with <paramref name="password"/> gets in, any other is refused (28P01).</summary>
    public static WarmUpResponder Start(string password) => new(password);

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
            var startup = await ReadStartupAsync(stream, MaxMessageLength, ct);
            if (startup.Length == 4 && BinaryPrimitives.ReadInt32BigEndian(startup) == SslRequestCode)
            {
                await stream.WriteAsync("S"u8.ToArray(), ct);
                var ssl = new SslStream(stream);
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, ct);
                stream = ssl;
                await ReadStartupAsync(stream, MaxMessageLength, ct);
            }

            if (!await LogInAsync(stream, ct))
            {
                await stream.WriteAsync(Error("28P01", "password authentication failed"), ct);
                return;
            }

            await stream.WriteAsync((byte[])
                [.. Authentication(0), .. Parameter("server_version", "15.0"), .. Parameter("server_encoding", "UTF8"),
                 .. Parameter("client_encoding", "UTF8"), .. Parameter("DateStyle", "ISO, MDY"), .. Parameter("integer_datetimes", "on"),
                 .. Parameter("standard_conforming_strings", "on"), .. Parameter("TimeZone", "UTC"),
                 .. Message('K', [0, 0, 0, 1, 0, 0, 0, 1]), .. ReadyForQuery()], ct);
            await AnswerQueriesAsync(stream, ct);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or EndOfStreamException
                                       or System.Security.Authentication.AuthenticationException or InvalidDataException or FormatException)
        {
            // The warm-up's test ended, or something else connected: either way this conversation is over.
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    /// <summary>
    /// SCRAM-SHA-256's server side, offered as PostgreSQL offers it over TLS (with -PLUS first), for the one password the
    /// responder knows: it checks the client's proof and sends the server's signature, which Npgsql checks in turn.
    /// </summary>
    private async Task<bool> LogInAsync(Stream stream, CancellationToken ct)
    {
        await stream.WriteAsync(SaslMechanisms(["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"]), ct);
        var initial = await ReadMessageAsync(stream, MaxMessageLength, ct);
        // SASLInitialResponse: the mechanism's name, then the length of the client-first-message and the message itself.
        var nameEnd = Array.IndexOf(initial.Body, (byte)0);
        if (initial.Type != 'p' || nameEnd < 0 || Encoding.UTF8.GetString(initial.Body, 0, nameEnd) != "SCRAM-SHA-256"
            || initial.Body.Length < nameEnd + 5)
        {
            return false;
        }

        var clientFirst = Encoding.UTF8.GetString(initial.Body, nameEnd + 5, initial.Body.Length - nameEnd - 5);
        // After the gs2 header ("n,," when channel binding is not used) comes client-first-message-bare.
        var bareStart = clientFirst.IndexOf(',', clientFirst.IndexOf(',') + 1) + 1;
        var clientFirstBare = clientFirst[bareStart..];
        var clientNonce = Attribute(clientFirstBare, 'r');
        var salt = RandomNumberGenerator.GetBytes(16);
        var serverFirst = $"r={clientNonce}{Convert.ToBase64String(RandomNumberGenerator.GetBytes(18))},s={Convert.ToBase64String(salt)},i={ScramIterations}";
        await stream.WriteAsync(Authentication(11, Encoding.UTF8.GetBytes(serverFirst)), ct);

        var response = await ReadMessageAsync(stream, MaxMessageLength, ct);
        var clientFinal = Encoding.UTF8.GetString(response.Body);
        var proofAt = clientFinal.LastIndexOf(",p=", StringComparison.Ordinal);
        if (response.Type != 'p' || proofAt < 0 || !clientFinal.Contains($"r={Attribute(serverFirst, 'r')}", StringComparison.Ordinal))
        {
            return false;
        }

        var authMessage = Encoding.UTF8.GetBytes($"{clientFirstBare},{serverFirst},{clientFinal[..proofAt]}");
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(_password), salt, ScramIterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var clientSignature = HMACSHA256.HashData(SHA256.HashData(clientKey), authMessage);
        var expectedProof = new byte[clientKey.Length];
        for (var i = 0; i < expectedProof.Length; i++)
        {
            expectedProof[i] = (byte)(clientKey[i] ^ clientSignature[i]);
        }

        if (!CryptographicOperations.FixedTimeEquals(expectedProof, Convert.FromBase64String(clientFinal[(proofAt + 3)..])))
        {
            return false;
        }

        var serverSignature = HMACSHA256.HashData(HMACSHA256.HashData(salted, "Server Key"u8), authMessage);
        await stream.WriteAsync(Authentication(12, Encoding.UTF8.GetBytes("v=" + Convert.ToBase64String(serverSignature))), ct);
        return true;
    }

    /// <summary>A SCRAM attribute's value ("r=…") from a comma-separated message.</summary>
    private static string Attribute(string message, char name) =>
        message.Split(',').FirstOrDefault(part => part.Length > 1 && part[0] == name && part[1] == '=')?[2..]
        ?? throw new InvalidDataException($"No SCRAM attribute '{name}'.");

    /// <summary>
    /// The extended query protocol as Npgsql drives it (Parse, Bind, Describe, Execute, Sync), answered with the Database
    /// stage's one row; a simple query is refused. Answers are written at Sync, as a server flushes them.
    /// </summary>
    private static async Task AnswerQueriesAsync(Stream stream, CancellationToken ct)
    {
        var answer = new List<byte>();
        while (await ReadMessageAsync(stream, MaxMessageLength, ct) is { Type: not 'X' } message)
        {
            switch (message.Type)
            {
                case 'P': answer.AddRange(Message('1', [])); break;
                case 'B': answer.AddRange(Message('2', [])); break;
                case 'D': answer.AddRange(DatabaseStageRow.Description); break;
                case 'E': answer.AddRange(DatabaseStageRow.Values); answer.AddRange(Message('C', "SELECT 1\0"u8)); break;
                case 'S':
                    answer.AddRange(ReadyForQuery());
                    await stream.WriteAsync(answer.ToArray(), ct);
                    answer.Clear();
                    break;
                case 'Q':
                    await stream.WriteAsync((byte[])[.. Error("42501", "warm-up", severity: "ERROR"), .. ReadyForQuery()], ct);
                    break;
            }
        }
    }

    /// <summary>
    /// The row a PostgreSQL 15 server over TLS returns for <see cref="DatabaseStage"/>'s checks, in Npgsql's binary format,
    /// with the columns' real types (name, bool, text, int4), so the warm-up reads it with the same converters a test does.
    /// </summary>
    private static class DatabaseStageRow
    {
        private const int Name = 19, Bool = 16, Text = 25, Int4 = 23;

        private static readonly (string Column, int Type, byte[]? Value)[] Columns =
        [
            ("current_user", Name, "warm-up"u8.ToArray()),
            ("current_database", Name, "postgres"u8.ToArray()),
            ("has_database_privilege", Bool, [1]),
            ("has_database_privilege", Bool, [1]),
            ("has_schema_privilege", Bool, [1]),
            ("ssl", Bool, [1]),
            ("version", Text, "TLSv1.3"u8.ToArray()),
            ("cipher", Text, "TLS_AES_256_GCM_SHA384"u8.ToArray()),
            ("bits", Int4, [0, 0, 1, 0]),
            ("gss_authenticated", Bool, [0]),
            ("principal", Text, null),
            ("encrypted", Bool, [0]),
        ];

        public static readonly byte[] Description = Describe();

        public static readonly byte[] Values = Row();

        private static byte[] Describe()
        {
            var body = new List<byte>();
            AddInt16(body, Columns.Length);
            foreach (var (column, type, _) in Columns)
            {
                body.AddRange(Encoding.UTF8.GetBytes(column + "\0"));
                AddInt32(body, 0); // no table
                AddInt16(body, 0); // no column number
                AddInt32(body, type);
                AddInt16(body, type switch { Bool => 1, Int4 => 4, Name => 64, _ => -1 });
                AddInt32(body, -1); // no type modifier
                AddInt16(body, 1); // binary, as Npgsql asks for in Bind
            }

            return Message('T', body.ToArray());
        }

        private static byte[] Row()
        {
            var body = new List<byte>();
            AddInt16(body, Columns.Length);
            foreach (var (_, _, value) in Columns)
            {
                AddInt32(body, value?.Length ?? -1);
                body.AddRange(value ?? []);
            }

            return Message('D', body.ToArray());
        }

        private static void AddInt16(List<byte> body, int value) => body.AddRange([(byte)(value >> 8), (byte)value]);

        private static void AddInt32(List<byte> body, int value) => body.AddRange([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
    }
}
