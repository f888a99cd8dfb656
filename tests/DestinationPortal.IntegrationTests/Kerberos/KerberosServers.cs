
namespace DestinationPortal.IntegrationTests.Kerberos;

/// <summary>
/// A Kerberos realm and a PostgreSQL server in it, started once for the Kerberos tests: the server has a keytab
/// (krb_server_keyfile) for postgres/localhost and postgres/db.portal.test, TLS with the test certificate, and gss rules
/// in pg_hba.conf; the portal's principals each have a client keytab. Everything is in one temp directory, deleted at the end.
/// </summary>
public sealed class KerberosServers : IAsyncLifetime
{
    public const string ServiceName = "postgres";

    /// <summary>Resolves to loopback and has a key in the server's keytab: the plain case.</summary>
    public const string ServerName = "localhost";

    /// <summary>In the server's keytab and certificate but in no DNS: reached through the private endpoint 127.0.0.1.</summary>
    public const string PrivateServerName = TestCertificates.ServerDnsName;

    /// <summary>The KDC knows postgres/unkeyed.portal.test, but the server's keytab has no key for it.</summary>
    public const string UnkeyedServerName = "unkeyed.portal.test";

    /// <summary>A principal and a role of the same name, allowed by the gss rule (include_realm=0).</summary>
    public const string PortalUser = "portal";

    /// <summary>A principal the KDC knows but no role on the server matches.</summary>
    public const string RolelessUser = "nobody";

    /// <summary>A principal whose role the server lets in only with a password (scram-sha-256 line).</summary>
    public const string PasswordOnlyUser = "scramonly";

    private const string PasswordOnlyPassword = "scramonly-secret-9";

    private DirectoryInfo? _root;

    public KerberosRealm Realm { get; private set; } = null!;

    public LocalCluster Server { get; private set; } = null!;

    public TestCertificates Certificates { get; } = TestCertificates.Create();

    public string PortalKeytab { get; private set; } = "";

    public string RolelessKeytab { get; private set; } = "";

    public string PasswordOnlyKeytab { get; private set; } = "";

    /// <summary>A keytab path that does not exist: the portal host without credentials.</summary>
    public string MissingKeytab => Path.Combine(WorkDirectory, "no-such.keytab");

    /// <summary>Scratch space for tests (ticket caches, traces).</summary>
    public string WorkDirectory { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _root = Directory.CreateTempSubdirectory("destination-portal-krb-");
        WorkDirectory = Directory.CreateDirectory(Path.Combine(_root.FullName, "work")).FullName;
        var realmDirectory = Directory.CreateDirectory(Path.Combine(_root.FullName, "realm")).FullName;
        try
        {
            Realm = await KerberosRealm.StartAsync(realmDirectory);
            var serverKeytab = await Realm.AddPrincipalWithKeytabAsync($"{ServiceName}/{ServerName}", "server.keytab");
            await Realm.AddPrincipalWithKeytabAsync($"{ServiceName}/{PrivateServerName}", "server.keytab");
            await Realm.AddPrincipalAsync($"{ServiceName}/{UnkeyedServerName}");
            PortalKeytab = await Realm.AddPrincipalWithKeytabAsync(PortalUser, "portal.keytab");
            RolelessKeytab = await Realm.AddPrincipalWithKeytabAsync(RolelessUser, "nobody.keytab");
            PasswordOnlyKeytab = await Realm.AddPrincipalWithKeytabAsync(PasswordOnlyUser, "scramonly.keytab");

            var replayCache = Directory.CreateDirectory(Path.Combine(_root.FullName, "rcache")).FullName;
            // GSS needs a server this fixture configures itself: always a local cluster, whatever PORTAL_TEST_POSTGRES says.
            var bin = PostgreSqlBackend.RequireLocalBinaries();
            var template = await LocalCluster.CreateTemplateAsync(_root.FullName, bin);
            Server = await LocalCluster.StartAsync("kerberos", bin, template, Certificates.Server, new ClusterExtras(
                Settings: [$"krb_server_keyfile = 'FILE:{serverKeytab}'"],
                // Order matters: the first matching line wins.
                HbaConf: $"""
                    host all postgres 127.0.0.1/32 scram-sha-256
                    host all {PasswordOnlyUser} 127.0.0.1/32 scram-sha-256
                    host all all 127.0.0.1/32 gss include_realm=0
                    """,
                SetupSql: $"""
                    CREATE ROLE {PortalUser} LOGIN;
                    GRANT CREATE ON SCHEMA public TO {PortalUser};
                    CREATE ROLE {PasswordOnlyUser} LOGIN PASSWORD '{PasswordOnlyPassword}';
                    """,
                // The server's replay cache goes to the temp tree, not /var/tmp.
                Environment: new Dictionary<string, string> { ["KRB5_CONFIG"] = Realm.ConfigFile, ["KRB5RCACHEDIR"] = replayCache }));
        }
        catch
        {
            // xunit does not dispose a fixture whose initialisation failed; do not leave a KDC or server running.
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.StopAsync();
        }

        if (Realm is not null)
        {
            await Realm.DisposeAsync();
        }

        _root?.Delete(recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class KerberosTestGroup : ICollectionFixture<KerberosServers>
{
    public const string Name = "Kerberos realm";
}
