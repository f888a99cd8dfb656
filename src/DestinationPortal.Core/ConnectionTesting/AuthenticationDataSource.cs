using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using Npgsql;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>The unpooled Npgsql data source for the run's one login, pinned to what the probe saw.</summary>
internal static class AuthenticationDataSource
{
    private const string ApplicationName = "DestinationPortal connection test";

    // Every method that sends a password; never None, GSS or SSPI. The overlapped login starts before the probe has seen
    // the method, so it cannot be pinned to it the way the sequential login is; its password still waits for the probe.
    private const string PasswordMethods = "Password,MD5,ScramSHA256";

    /// <summary>The login after the probe: pinned to the method it saw and to the certificate it checked.</summary>
    public static NpgsqlDataSource Build(ConnectionTestContext context, Probe probe, AuthenticationMethod method, bool gssEncryption) =>
        Build(context, probe.Address, probe.Encrypted, AuthenticationMethods.RequireAuth(method), gssEncryption, probe.CertificateHash, login: null);

    /// <summary>The login beside the probe (<see cref="OverlappedLogin"/>): TLS, and the password only from its provider.</summary>
    public static NpgsqlDataSource BuildOverlapped(ConnectionTestContext context, OverlappedLogin login) =>
        Build(context, login.Address, encrypted: true, PasswordMethods, gssEncryption: false, pinnedCertificate: null, login);

    private static NpgsqlDataSource Build(
        ConnectionTestContext context, IPAddress address, bool encrypted, string requireAuth, bool gssEncryption, byte[]? pinnedCertificate, OverlappedLogin? login)
    {
        var destination = context.Destination;
        // Typed fields only: nothing the user typed is parsed as connection-string syntax.
        var settings = new NpgsqlConnectionStringBuilder
        {
            Host = address.ToString(),
            Port = destination.Port,
            Database = destination.Database,
            // The user the probe asked about. Left empty, Npgsql would pick its own with Kerberos (by running klist, which
            // cannot see a MEMORY: ticket cache, else the OS account), so the probe and the login could differ.
            Username = context.User.Name,
            // The overlapped login gets its password from the provider below, and only once the probe allows it.
            Password = destination.WindowsAuthentication || login is not null ? null : context.Password,
            SslMode = encrypted ? SslMode.Require : SslMode.Disable,
            SslNegotiation = SslNegotiation.Postgres,
            // Never Prefer: it retries a failed open (a second failed authentication) and can hang (npgsql #6524). Require
            // is one attempt; it is used only where the probe saw the server ask for Kerberos and TLS is not in use.
            GssEncryptionMode = gssEncryption ? GssEncryptionMode.Require : GssEncryptionMode.Disable,
            ChannelBinding = ChannelBinding.Prefer,
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

                login?.Presented(certificate, npgsqlStream);
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
                (_, ct) => login.PasswordAsync(ct));
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
