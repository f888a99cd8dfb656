using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using DestinationPortal.Core.ConnectionTesting;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

/// <summary>
/// A hostile PostgreSQL server on loopback: it answers SSLRequest ('S' and a TLS handshake when given a certificate,
/// else 'N'), reads the startup message like PostgreSQL, and then runs a script that misbehaves on purpose (floods
/// notices, drips bytes, never ends the authentication, sends a megabyte of error text). Each connection runs the
/// script; <see cref="PostgreSqlSession.IsLogin"/> tells the tester's Npgsql login from its raw probe (the two connect at
/// the same moment, so the order they are accepted in does not tell them apart).
/// </summary>
internal sealed class FakePostgreSqlServer : IAsyncDisposable
{
    // What the tester sends is small; the cap only keeps a broken test from allocating without bound.
    internal const int MaxClientMessage = 1024 * 1024;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<PostgreSqlSession, CancellationToken, Task> _script;
    private readonly X509Certificate2? _certificate;
    private readonly Func<int, X509Certificate2>? _certificateFor;
    private readonly List<Task> _sessions = [];
    private readonly Task _acceptLoop;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, bool> _openSessions = new();
    private int _accepted;

    private FakePostgreSqlServer(Func<PostgreSqlSession, CancellationToken, Task> script, X509Certificate2? certificate, Func<int, X509Certificate2>? certificateFor = null)
    {
        _script = script;
        _certificate = certificate;
        _certificateFor = certificateFor;
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Connections whose script still runs: a flood or drip ends only when the tester closes the socket.</summary>
    public int Open => _openSessions.Count;

    public static FakePostgreSqlServer Start(Func<PostgreSqlSession, CancellationToken, Task> script, X509Certificate2? certificate = null) =>
        new(script, certificate);

    /// <summary>A server that shows each connection (by its number, 1 for the first) the certificate given for it.</summary>
    public static FakePostgreSqlServer StartWithCertificates(Func<PostgreSqlSession, CancellationToken, Task> script, Func<int, X509Certificate2> certificateFor) =>
        new(script, certificate: null, certificateFor);

    /// <summary>Completes when no connection is open any more, i.e. the tester has closed every socket it opened.</summary>
    public async Task WaitUntilClosedAsync(TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (Open > 0)
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Connections {string.Join(", ", _openSessions.Keys)} still open after {limit.TotalMilliseconds} ms.");
            }

            // Polling a set the sessions change; there is no event to wait on, and the limit bounds it.
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        await Task.WhenAll(_sessions);
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

            var number = Interlocked.Increment(ref _accepted);
            _openSessions[number] = true;
            lock (_sessions)
            {
                _sessions.Add(Task.Run(() => ServeAsync(socket, number)));
            }
        }
    }

    private async Task ServeAsync(Socket socket, int number)
    {
        try
        {
            await using var network = new NetworkStream(socket, ownsSocket: true);
            Stream stream = network;
            var first = await ServerWire.ReadStartupAsync(stream, MaxClientMessage, _stop.Token);
            if (BinaryPrimitives.ReadInt32BigEndian(first) == ServerWire.GssEncRequestCode)
            {
                // Declined like a server without Kerberos; the client then asks for TLS or starts up in the clear.
                await stream.WriteAsync("N"u8.ToArray(), _stop.Token);
                first = await ServerWire.ReadStartupAsync(stream, MaxClientMessage, _stop.Token);
            }

            if (BinaryPrimitives.ReadInt32BigEndian(first) == ServerWire.SslRequestCode)
            {
                var certificate = _certificateFor?.Invoke(number) ?? _certificate;
                if (certificate is null)
                {
                    await stream.WriteAsync("N"u8.ToArray(), _stop.Token);
                }
                else
                {
                    await stream.WriteAsync("S"u8.ToArray(), _stop.Token);
                    var ssl = new SslStream(network);
                    // Offline: the server side would otherwise try to fetch its own missing intermediate from the AIA URL.
                    var context = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
                    await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificateContext = context }, _stop.Token);
                    stream = ssl;
                }

                first = await ServerWire.ReadStartupAsync(stream, MaxClientMessage, _stop.Token);
            }

            await _script(new PostgreSqlSession(stream, number, StartupParameters(first)), _stop.Token);
            // A script that returns has said all it will; wait for the tester to hang up (0 bytes read at its end).
            while (await stream.ReadAsync(new byte[256], _stop.Token) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException
                                       or System.Security.Authentication.AuthenticationException or EndOfStreamException)
        {
            // The tester hung up (or the test ended): that is what the tests wait for.
        }
        finally
        {
            _openSessions.TryRemove(number, out _);
        }
    }

    /// <summary>The startup message's name/value pairs (after its protocol version), as PostgreSQL reads them.</summary>
    private static Dictionary<string, string> StartupParameters(byte[] startup)
    {
        var fields = Encoding.UTF8.GetString(startup, 4, startup.Length - 4).Split('\0');
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < fields.Length && fields[i].Length > 0; i += 2)
        {
            parameters[fields[i]] = fields[i + 1];
        }

        return parameters;
    }
}

/// <summary>One connection to <see cref="FakePostgreSqlServer"/> after the startup message, with the messages a script sends.</summary>
internal sealed class PostgreSqlSession(Stream stream, int number, IReadOnlyDictionary<string, string> parameters)
{
    public Stream Stream { get; } = stream;

    /// <summary>1 for the first connection accepted, 2 for the next, and so on.</summary>
    public int Number { get; } = number;

    /// <summary>
    /// Whether this is the tester's Npgsql login rather than its raw probe: Npgsql always sends <c>client_encoding</c>, the
    /// probe sends only user, database and application_name.
    /// </summary>
    public bool IsLogin { get; } = parameters.ContainsKey("client_encoding");

    public Task SendAsync(byte[] message, CancellationToken ct) => Stream.WriteAsync(message, ct).AsTask();

    /// <summary>Reads one message from the client and returns its type.</summary>
    public async Task<char> ReadMessageAsync(CancellationToken ct) => (await ReadMessageWithBodyAsync(ct)).Type;

    /// <summary>Reads one message from the client: its type and its body.</summary>
    public Task<(char Type, byte[] Body)> ReadMessageWithBodyAsync(CancellationToken ct) =>
        ServerWire.ReadMessageAsync(Stream, FakePostgreSqlServer.MaxClientMessage, ct);
}
