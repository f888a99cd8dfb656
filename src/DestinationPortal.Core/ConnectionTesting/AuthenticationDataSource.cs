using System.Net.Security;
using System.Security.Cryptography;
using Npgsql;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>The unpooled Npgsql data source for the run's one login, pinned to what the probe saw.</summary>
internal static class AuthenticationDataSource
{
    /// <summary>What the server sees as the test's application (pg_stat_activity, its log).</summary>
    internal const string ApplicationName = "DestinationPortal connection test";

    // Every method that sends a password; never None, GSS or SSPI. The relayed login's Npgsql starts before the probe has
    // seen the method, so it cannot be pinned to it the way the sequential login is. The relay then forwards the exact
    // prompt the probe read, and only when it is the method the authentication stage chose (RelayedLogin.CanServe), so
    // Npgsql can only ever answer that one; its password still waits for the probe.
    private const string PasswordMethods = "Password,MD5,ScramSHA256";

    /// <summary>The login after the probe: pinned to the method it saw and to the certificate it checked.</summary>
    public static NpgsqlDataSource Build(ConnectionTestContext context, Probe probe, AuthenticationMethod method, bool gssEncryption) =>
        Build(context, probe.Address.ToString(), probe.Encrypted, AuthenticationMethods.RequireAuth(method), gssEncryption, probe.CertificateHash, login: null);

    /// <summary>
    /// The login over the probe's connection (<see cref="RelayedLogin"/>): to the relay's Unix socket in
    /// <paramref name="relayDirectory"/>, without TLS of its own (the probe's connection has it), the password only from
    /// the relay's provider.
    /// </summary>
    public static NpgsqlDataSource BuildRelayed(ConnectionTestContext context, string relayDirectory, RelayedLogin login) =>
        Build(context, relayDirectory, encrypted: false, PasswordMethods, gssEncryption: false, pinnedCertificate: null, login);

    private static NpgsqlDataSource Build(
        ConnectionTestContext context, string host, bool encrypted, string requireAuth, bool gssEncryption, byte[]? pinnedCertificate, RelayedLogin? login)
    {
        var destination = context.Destination;
        // Typed fields only: nothing the user typed is parsed as connection-string syntax.
        var settings = new NpgsqlConnectionStringBuilder
        {
            // The checked address, or the relay's directory (Npgsql takes a path as a Unix socket's directory).
            Host = host,
            Port = destination.Port,
            Database = destination.Database,
            // The user the probe asked about. Left empty, Npgsql would pick its own with Kerberos (by running klist, which
            // cannot see a MEMORY: ticket cache, else the OS account), so the probe and the login could differ.
            Username = context.User.Name,
            // The relayed login gets its password from the provider below, and only once the run adopts it.
            Password = destination.WindowsAuthentication || login is not null ? null : context.Password,
            SslMode = encrypted ? SslMode.Require : SslMode.Disable,
            SslNegotiation = SslNegotiation.Postgres,
            // Never Prefer: it retries a failed open (a second failed authentication) and can hang (npgsql #6524). Require
            // is one attempt; it is used only where the probe saw the server ask for Kerberos and TLS is not in use.
            GssEncryptionMode = gssEncryption ? GssEncryptionMode.Require : GssEncryptionMode.Disable,
            // The relayed login has no TLS of its own to bind to. With Prefer it would announce "binding supported, not
            // offered" (gs2 'y'), which a server offering -PLUS over its TLS side rightly takes for a downgrade and refuses.
            ChannelBinding = login is null ? ChannelBinding.Prefer : ChannelBinding.Disable,
            RequireAuth = requireAuth,
            KerberosServiceName = destination.KerberosServiceName,
            Pooling = false,
            Timeout = destination.TimeoutSeconds,
            CommandTimeout = destination.TimeoutSeconds,
            ApplicationName = ApplicationName,
            // The checks only read; make the session read-only so nothing they run can write.
            Options = "-c default_transaction_read_only=on",
        };
        var builder = new NpgsqlDataSourceBuilder(settings.ConnectionString);
        // The checks read only built-in types (name, text, bool, int4), which Npgsql knows without asking. Loading the
        // server's type catalogue would cost every test a round trip and about 14 KB (issue 16).
        builder.ConfigureTypeLoading(typeLoading => typeLoading.EnableTypeLoading(false));
        builder.UseSslClientAuthenticationOptionsCallback(options =>
        {
            context.Certificates.Apply(options);
            options.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
            {
                // Npgsql's SslStream owns its socket: closing it at the deadline ends any read Npgsql still has pending.
                var npgsqlStream = sender as SslStream;
                if (npgsqlStream is not null)
                {
                    context.Connections.Track(npgsqlStream);
                }

                // The certificate the probe checked, again: a server that shows the authenticating connection another one
                // (another key behind the same address) does not get the password.
                if (pinnedCertificate is not null
                    && (certificate is null || !CryptographicOperations.FixedTimeEquals(pinnedCertificate, certificate.GetCertHash(HashAlgorithmName.SHA256))))
                {
                    return false;
                }

                return TlsStage.CertificateAcceptable(context.Certificates.Evaluate(certificate, chain, errors, context.Time.GetUtcNow()), context.Mode);
            };
        });
        if (login is not null)
        {
            // Npgsql calls this only when the server asks for a password; the tester always opens asynchronously.
            builder.UsePasswordProvider(
                _ => throw new InvalidOperationException("The connection test opens its connections asynchronously."),
                (_, _) => login.PasswordAsync());
        }

        if (destination.WindowsAuthentication)
        {
            // Npgsql would use Host (the checked IP) in the SPN; Kerberos needs the service's name.
            var servicePrincipalName = context.ServicePrincipalName;
            builder.UseNegotiateOptionsCallback(options => options.TargetName = servicePrincipalName);
        }

        return builder.Build();
    }
}
