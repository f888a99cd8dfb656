using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Npgsql;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>Why an overlapped login did not get the password.</summary>
internal enum Withholding
{
    None,

    /// <summary>The probe failed, or found something the login cannot serve (another method, no TLS): the run moved on without it.</summary>
    Abandoned,

    /// <summary>The authenticating connection showed another certificate than the one the probe checked.</summary>
    CertificateDiffers,
}

/// <summary>
/// The run's one Npgsql login, started beside the probe as the probe starts to connect (to the same, first allowed
/// address), so the two connections' TCP and TLS handshakes and startups share their round trips instead of running one
/// after the other: the login asks for the password about when the probe learns the method, and a test costs the raw
/// connection's round trips (issue 16). Npgsql's open is started on the pool, so its own set-up does not delay the probe.
/// Npgsql asks for the password only when the server requests one; the password provider here waits for the
/// authentication stage's go-ahead, which comes only after the probe has checked the certificate, learned the method and
/// found a PostgreSQL server, exactly where the sequential path would start its login. Even then the password goes only
/// to a connection that showed the very certificate the probe checked. Anything else, and the provider throws: no
/// credential is sent, and the run either reports the probe's finding or logs in the sequential way.
/// </summary>
internal sealed class OverlappedLogin
{
    private readonly TaskCompletionSource<(string Password, byte[] Certificate)?> _goAhead = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _abandon;
    private byte[]? _presented;
    private SslStream? _stream;
    private bool _adopted;

    private OverlappedLogin(IPAddress address, CancellationToken runStopping)
    {
        Address = address;
        _abandon = CancellationTokenSource.CreateLinkedTokenSource(runStopping);
    }

    public IPAddress Address { get; }

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public NpgsqlConnection Connection { get; private set; } = null!;

    /// <summary>Npgsql's open, running since the login started.</summary>
    public Task Opening { get; private set; } = Task.CompletedTask;

    public Withholding Withheld { get; private set; }

    public static OverlappedLogin Start(ConnectionTestContext context, IPAddress address, CancellationToken runStopping)
    {
        var login = new OverlappedLogin(address, runStopping);
        login.DataSource = AuthenticationDataSource.BuildOverlapped(context, login);
        login.Connection = login.DataSource.CreateConnection();
        var token = login._abandon.Token;
        // On the pool, so the probe goes on at once instead of running Npgsql's synchronous start on its own flow.
        login.Opening = Task.Run(() => login.Connection.OpenAsync(token), CancellationToken.None);
        return login;
    }

    /// <summary>Whether this login can be the run's one authentication: same address, TLS, a password method.</summary>
    public bool CanServe(Probe probe, AuthenticationMethod method) =>
        probe.Address.Equals(Address) && probe.Encrypted && probe.CertificateHash is not null && AuthenticationMethods.NeedsPassword(method);

    /// <summary>The authentication stage's go-ahead: the probe passed, and the password may go to the certificate it checked.</summary>
    public void Adopt(Probe probe, string password)
    {
        _adopted = true;
        _goAhead.TrySetResult((password, probe.CertificateHash!));
    }

    /// <summary>Called by Npgsql's certificate callback, which runs before Npgsql can ask for the password.</summary>
    public void Presented(X509Certificate? certificate, SslStream? stream)
    {
        _presented = certificate?.GetCertHash(HashAlgorithmName.SHA256);
        _stream = stream;
    }

    /// <summary>Npgsql's password provider: waits for the go-ahead and checks the certificate, or throws and sends nothing.</summary>
    public async ValueTask<string> PasswordAsync(CancellationToken ct)
    {
        var goAhead = await _goAhead.Task.WaitAsync(ct);
        if (goAhead is not { } granted)
        {
            throw new CredentialWithheldException();
        }

        if (_presented is null || !CryptographicOperations.FixedTimeEquals(_presented, granted.Certificate))
        {
            Withheld = Withholding.CertificateDiffers;
            throw new CredentialWithheldException();
        }

        return granted.Password;
    }

    /// <summary>
    /// Ends the login unless the authentication stage adopted it: the password provider throws if it is waiting or asked
    /// later, Npgsql's open is cancelled and its TLS stream closed, and the connection is disposed once the open has ended.
    /// </summary>
    public void AbandonUnlessAdopted()
    {
        if (_adopted)
        {
            return;
        }

        Withheld = Withholding.Abandoned;
        _goAhead.TrySetResult(null);
        _abandon.Cancel();
        try
        {
            _stream?.Dispose();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Already broken, which is all this wants.
        }

        _ = Opening.ContinueWith(async (opening, state) =>
        {
            // Its failure is the expected end of an abandoned login (the provider threw, or it was cancelled): observed, not reported.
            _ = opening.Exception;
            var login = (OverlappedLogin)state!;
            await login.Connection.DisposeAsync();
            await login.DataSource.DisposeAsync();
            login._abandon.Dispose();
        }, this, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>Thrown by the password provider instead of a password; Npgsql then closes the connection without authenticating.</summary>
    private sealed class CredentialWithheldException() : Exception("The connection test withheld the password.");
}
