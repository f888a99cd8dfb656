using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using Npgsql;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// The run's one Npgsql login, carried by the probe's own connection (issue 16, decision 59). Npgsql cannot be handed a
/// socket, so it connects to a relay of the run's own, a Unix socket in a directory only the portal's account can enter,
/// and the relay carries its bytes over the probe's TCP (and TLS) connection to the server. The server therefore sees one
/// connection, one TLS handshake and one backend per test, as for a raw open; and the password can only travel over the
/// connection whose certificate the probe checked, because there is no other.
/// Npgsql starts as the probe starts to connect, so its start-up costs no time of its own. Its startup message waits in
/// the relay until the probe has TCP and TLS; the probe sends it instead of a startup of its own and reads the server's
/// answer (the method, or a refusal) itself, without forwarding it. Only when the authentication stage adopts the login
/// does the relay forward that answer, so Npgsql cannot answer a password prompt before the stage has decided; from then
/// on the relay copies bytes both ways and reads nothing. A login that is not adopted is closed on both sides without any
/// credential having been sent.
/// </summary>
internal sealed class RelayedLogin
{
    // Npgsql's startup message is a few hundred bytes; anything longer than this is not what Npgsql sends.
    private const int MaxStartupMessageLength = 10 * 1024;
    private const int ProtocolVersion3 = 196608;
    private const string ScramSha256 = "SCRAM-SHA-256";

    private readonly ConnectionTestContext _context;
    private readonly DirectoryInfo _directory;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _abandon;
    private Task<Socket> _accepting = null!;
    private Socket? _npgsql;
    private Stream? _server;
    private IDisposable? _transport;
    private byte[] _heldReply = [];
    private StartupReply? _reply;
    private string? _password;
    private int _closed;
    private int _abandoned;
    private Task _relaying = Task.CompletedTask;

    private RelayedLogin(ConnectionTestContext context, DirectoryInfo directory, Socket listener, CancellationToken runStopping)
    {
        _context = context;
        _directory = directory;
        _listener = listener;
        _abandon = CancellationTokenSource.CreateLinkedTokenSource(runStopping);
    }

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public NpgsqlConnection Connection { get; private set; } = null!;

    /// <summary>Npgsql's open, running since the login started.</summary>
    public Task Opening { get; private set; } = Task.CompletedTask;

    /// <summary>Whether the probe sent Npgsql's startup message, so the server's first answer is held here for it.</summary>
    public bool Carrying => _server is not null;

    /// <summary>Starts Npgsql's open against the relay; the server is not contacted until the probe carries the startup.</summary>
    public static RelayedLogin Start(ConnectionTestContext context, CancellationToken runStopping)
    {
        // Created with mode 0700 on Unix: no other account can connect to the relay before Npgsql does.
        var directory = Directory.CreateTempSubdirectory("dp-login-");
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(Path.Combine(directory.FullName, ".s.PGSQL." + context.Destination.Port.ToString(CultureInfo.InvariantCulture))));
            listener.Listen(1);
        }
        catch
        {
            listener.Dispose();
            directory.Delete(recursive: true);
            throw;
        }

        var login = new RelayedLogin(context, directory, listener, runStopping);
        context.Connections.Track(listener);
        login._accepting = listener.AcceptAsync(login._abandon.Token).AsTask();
        login.DataSource = AuthenticationDataSource.BuildRelayed(context, directory.FullName, login);
        login.Connection = login.DataSource.CreateConnection();
        var token = login._abandon.Token;
        // On the pool, so the probe goes on at once instead of running Npgsql's synchronous start on its own flow.
        login.Opening = Task.Run(() => login.Connection.OpenAsync(token), CancellationToken.None);
        return login;
    }

    /// <summary>
    /// Sends Npgsql's startup message over the probe's connection and reads the server's answer, held back from Npgsql.
    /// Null when Npgsql did not get as far as its startup message: the probe then sends its own, and the run logs in
    /// the sequential way.
    /// </summary>
    /// <param name="server">The probe's stream to the server: TLS, or the TCP stream itself.</param>
    /// <param name="transport">What owns the probe's socket (the TLS stream leaves it open), closed with the relay.</param>
    /// <param name="ct">The run's token.</param>
    public async Task<StartupReply?> CarryStartupAsync(Stream server, IDisposable transport, CancellationToken ct)
    {
        // Npgsql connected long before the probe's TLS handshake ended, unless its open failed on its own.
        await Task.WhenAny(_accepting, Opening).WaitAsync(ct);
        if (!_accepting.IsCompletedSuccessfully)
        {
            return null;
        }

        _npgsql = await _accepting;
        _context.Connections.Track(_npgsql);
        StopListening();
        var startup = await ReadStartupMessageAsync(_npgsql, ct);
        if (startup is null)
        {
            return null;
        }

        _server = server;
        _transport = transport;
        await server.WriteAsync(startup, ct);
        var (reply, raw) = await PostgresWireProbe.ReadStartupReplyAsync(server, ct);
        _heldReply = raw;
        _reply = reply;
        return reply;
    }

    /// <summary>
    /// Whether this login can be the run's one authentication: it carried the startup, and the server asked it for this
    /// password method (never for a method another connection saw), with SASL offering plain SCRAM-SHA-256 (a server offering only -PLUS gets the sequential login, which
    /// speaks TLS itself and can bind to it).
    /// </summary>
    public bool CanServe(AuthenticationMethod method) =>
        Carrying && _reply is { Method: { } asked } && asked == method && AuthenticationMethods.NeedsPassword(method)
        && (method != AuthenticationMethod.Sasl || _reply.SaslMechanisms.Contains(ScramSha256));

    /// <summary>The authentication stage's go-ahead: the server's answer goes to Npgsql, and from then on every byte both ways.</summary>
    public async Task AdoptAsync(string password, CancellationToken ct)
    {
        _password = password;
        var npgsql = new NetworkStream(_npgsql!, ownsSocket: false);
        // As the server sent it, -PLUS included: with channel binding off, Npgsql picks plain SCRAM-SHA-256 and tells the
        // server so (gs2 'n'), which the server accepts; it refuses a client that claims binding without TLS.
        await npgsql.WriteAsync(_heldReply, ct);
        _relaying = RelayAsync(npgsql, _server!);
    }

    /// <summary>Npgsql's password provider. Npgsql asks only after the server's prompt, which reaches it only once adopted.</summary>
    public ValueTask<string> PasswordAsync() =>
        _password is { } password ? ValueTask.FromResult(password) : throw new CredentialWithheldException();

    /// <summary>Closes the relay and both its connections unless adopted, in which case the session's end closes them.</summary>
    public async ValueTask AbandonUnlessAdoptedAsync()
    {
        // Once: the authentication stage abandons a relay it cannot use before its own login, and the run's end again.
        if (_password is not null || Interlocked.Exchange(ref _abandoned, 1) == 1)
        {
            return;
        }

        await _abandon.CancelAsync();
        await CloseAsync(goodbye: true);
        _ = Opening.ContinueWith(async (opening, state) =>
        {
            // Its failure is the expected end of an abandoned login (its connection was closed): observed, not reported.
            _ = opening.Exception;
            var login = (RelayedLogin)state!;
            await login.Connection.DisposeAsync();
            await login.DataSource.DisposeAsync();
            login._abandon.Dispose();
        }, this, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private async Task RelayAsync(NetworkStream npgsql, Stream server)
    {
        // Whichever side ends first ends the other: Npgsql's Terminate and close, the server's close, or the deadline.
        await Task.WhenAny(CopyAsync(npgsql, server), CopyAsync(server, npgsql));
        await CloseAsync(goodbye: false);
        await npgsql.DisposeAsync();
    }

    private static async Task CopyAsync(Stream from, Stream to)
    {
        try
        {
            await from.CopyToAsync(to);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException or OperationCanceledException)
        {
            // A closed side is the relay's normal end.
        }
    }

    /// <summary>
    /// The session's end, after Npgsql's close: waits (briefly) until the relay has carried Npgsql's Terminate to the
    /// server and seen Npgsql hang up, so the server gets a clean goodbye instead of a cut that it logs as an error; then
    /// closes both connections and the relay's socket.
    /// </summary>
    public async Task CloseAsync()
    {
        try
        {
            await _relaying.WaitAsync(TimeSpan.FromSeconds(1));
        }
        catch (TimeoutException)
        {
            // A server that neither reads nor closes: cut it.
        }

        await CloseAsync(goodbye: false);
    }

    /// <remarks>
    /// <paramref name="goodbye"/>: TLS close_notify first, for a server left waiting at the password prompt (as the probe
    /// hangs up). Not after Npgsql's Terminate: the server is closing then, and a goodbye would race its close.
    /// </remarks>
    private async Task CloseAsync(bool goodbye)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1)
        {
            return;
        }

        StopListening();
        if (goodbye && _server is System.Net.Security.SslStream ssl)
        {
            await TlsStage.CloseQuietlyAsync(ssl);
        }

        _server?.Dispose();
        _transport?.Dispose();
        _npgsql?.Dispose();
    }

    private void StopListening()
    {
        _listener.Dispose();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Already gone, or the temp directory is being cleaned: nothing listens there any more either way.
        }
    }

    /// <summary>Npgsql's startup message (protocol 3.0), read whole; null for anything else.</summary>
    private static async Task<byte[]?> ReadStartupMessageAsync(Socket socket, CancellationToken ct)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var header = new byte[8];
        try
        {
            await stream.ReadExactlyAsync(header, ct);
        }
        catch (EndOfStreamException)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length is < 8 or > MaxStartupMessageLength || BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)) != ProtocolVersion3)
        {
            return null;
        }

        var message = new byte[length];
        header.CopyTo(message, 0);
        try
        {
            await stream.ReadExactlyAsync(message.AsMemory(8), ct);
        }
        catch (EndOfStreamException)
        {
            return null;
        }

        return message;
    }

    /// <summary>Thrown by the password provider instead of a password; Npgsql then closes the connection without authenticating.</summary>
    private sealed class CredentialWithheldException() : Exception("The connection test withheld the password.");
}
