using System.Net.Security;
using Npgsql;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>The unpooled Npgsql data source for the run's one login, pinned to what the probe saw.</summary>
internal static class AuthenticationDataSource
{
    private const string ApplicationName = "DestinationPortal connection test";

    public static NpgsqlDataSource Build(ConnectionTestContext context, Probe probe, AuthenticationMethod method, bool gssEncryption)
    {
        var destination = context.Destination;
        // Typed fields only: nothing the user typed is parsed as connection-string syntax.
        var settings = new NpgsqlConnectionStringBuilder
        {
            Host = probe.Address.ToString(),
            Port = destination.Port,
            Database = destination.Database,
            // The user the probe asked about. Left empty, Npgsql would pick its own with Kerberos (by running klist, which
            // cannot see a MEMORY: ticket cache, else the OS account), so the probe and the login could differ.
            Username = context.User.Name,
            Password = destination.WindowsAuthentication ? null : context.Password,
            SslMode = probe.Encrypted ? SslMode.Require : SslMode.Disable,
            SslNegotiation = SslNegotiation.Postgres,
            // Never Prefer: it retries a failed open (a second failed authentication) and can hang (npgsql #6524). Require
            // is one attempt; it is used only where the probe saw the server ask for Kerberos and TLS is not in use.
            GssEncryptionMode = gssEncryption ? GssEncryptionMode.Require : GssEncryptionMode.Disable,
            ChannelBinding = ChannelBinding.Prefer,
            RequireAuth = AuthenticationMethods.RequireAuth(method),
            KerberosServiceName = destination.KerberosServiceName,
            Pooling = false,
            Timeout = destination.TimeoutSeconds,
            CommandTimeout = destination.TimeoutSeconds,
            ApplicationName = ApplicationName,
            // The checks only read; make the session read-only so nothing they run can write.
            Options = "-c default_transaction_read_only=on",
        };
        var builder = new NpgsqlDataSourceBuilder(settings.ConnectionString);
        builder.UseSslClientAuthenticationOptionsCallback(options =>
        {
            context.Certificates.Apply(options);
            options.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
            {
                // Npgsql's SslStream owns its socket: closing it at the deadline ends any read Npgsql still has pending.
                if (sender is SslStream npgsqlStream)
                {
                    context.Connections.Track(npgsqlStream);
                }

                return TlsStage.CertificateAcceptable(context.Certificates.Evaluate(certificate, chain, errors, context.Time.GetUtcNow()), context.Mode);
            };
        });
        if (destination.WindowsAuthentication)
        {
            // Npgsql would use Host (the checked IP) in the SPN; Kerberos needs the service's name.
            var servicePrincipalName = context.ServicePrincipalName;
            builder.UseNegotiateOptionsCallback(options => options.TargetName = servicePrincipalName);
        }

        return builder.Build();
    }
}
