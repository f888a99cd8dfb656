using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using DestinationPortal.Core.ConnectionTesting;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

/// <summary>
/// A hostile "PostgreSQL server" on loopback that wants passwords: a <see cref="FakePostgreSqlServer"/> whose script asks
/// for a cleartext password (AuthenticationCleartextPassword), records every PasswordMessage it receives, then refuses
/// the sign-in. A man in the middle or a host an Editor typed would behave like this. Without a certificate it declines
/// TLS; given one, it accepts TLS with it: an impostor whose certificate a replaced CA certificate would trust.
/// </summary>
internal sealed class PasswordCaptureServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _passwords = new();
    private readonly FakePostgreSqlServer _server;
    private int _startups;

    public PasswordCaptureServer(X509Certificate2? tlsCertificate = null) => _server = FakePostgreSqlServer.Start(CaptureAsync, tlsCertificate);

    public int Port => _server.Port;

    public int Accepted => _server.Accepted;

    /// <summary>Startup messages received: connections that got as far as the password prompt.</summary>
    public int Startups => Volatile.Read(ref _startups);

    /// <summary>Every password a client sent, in order.</summary>
    public IReadOnlyList<string> Passwords => [.. _passwords];

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task CaptureAsync(PostgreSqlSession session, CancellationToken ct)
    {
        Interlocked.Increment(ref _startups);
        await session.SendAsync(ServerWire.Authentication(3), ct);
        var (type, body) = await session.ReadMessageWithBodyAsync(ct);
        if (type != 'p')
        {
            return;
        }

        _passwords.Enqueue(Encoding.UTF8.GetString(body).TrimEnd('\0'));
        await session.SendAsync(ServerWire.Error("28P01", "password authentication failed"), ct);
    }
}
