namespace DestinationPortal.IntegrationTests.PostgreSql;

/// <summary>
/// Real PostgreSQL servers for the connection tests, started once per test collection: one with TLS, one without, one
/// presenting an expired certificate and one presenting a certificate for another name. They are throwaway clusters made
/// from the Debian server binaries (initdb once, then copies), on free loopback ports, deleted at the end.
/// There is no silent fallback: without the binaries the fixture fails and says what to install.
/// </summary>
public sealed class PostgreSqlServers : IAsyncLifetime
{
    private readonly List<LocalCluster> _clusters = [];
    private DirectoryInfo? _root;

    public TestCertificates Certificates { get; } = TestCertificates.Create();

    public LocalCluster Tls { get; private set; } = null!;

    public LocalCluster NoTls { get; private set; } = null!;

    public LocalCluster ExpiredCertificate { get; private set; } = null!;

    public LocalCluster OtherNameCertificate { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var bin = FindServerBinaries();
        _root = Directory.CreateTempSubdirectory("destination-portal-pg-");
        var template = Path.Combine(_root.FullName, "template");
        var passwordFile = Path.Combine(_root.FullName, "superuser-password");
        await File.WriteAllTextAsync(passwordFile, TestRoles.SuperuserPassword);
        await LocalCommand.GiveToPostgresAsync(_root.FullName);
        await LocalCommand.RunAsync(Path.Combine(bin, "initdb"),
            ["-D", template, "-U", "postgres", "--pwfile", passwordFile, "--auth", "scram-sha-256", "--no-locale", "-E", "UTF8", "--no-sync", "--no-instructions"],
            TimeSpan.FromSeconds(120));

        try
        {
            // Started one after another: on two cores parallel starts gain little and make failures harder to read.
            Tls = await StartAsync("tls", bin, template, Certificates.Server);
            NoTls = await StartAsync("notls", bin, template, null);
            ExpiredCertificate = await StartAsync("expired", bin, template, Certificates.Expired);
            OtherNameCertificate = await StartAsync("othername", bin, template, Certificates.OtherName);
        }
        catch
        {
            // xunit does not dispose a fixture whose initialisation failed; do not leave servers running.
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var cluster in _clusters)
        {
            await cluster.StopAsync();
        }

        _root?.Delete(recursive: true);
    }

    private async Task<LocalCluster> StartAsync(string name, string bin, string template, PemCertificate? certificate)
    {
        var cluster = await LocalCluster.StartAsync(name, bin, template, certificate);
        _clusters.Add(cluster);
        return cluster;
    }

    private static string FindServerBinaries()
    {
        // Docker is not used: the build machines and CI have no Docker engine (see docs/connection-testing.md).
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d == "/usr/lib/postgresql/15" ? int.MaxValue : VersionOf(d))
            : Enumerable.Empty<string>();
        return candidates.Select(d => Path.Combine(d, "bin")).FirstOrDefault(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
            ?? throw new InvalidOperationException(
                "The connection-testing integration tests need PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/<version>/bin. " +
                "Install them with `apt-get install postgresql` (Debian/Ubuntu).");
    }

    private static int VersionOf(string directory) => int.TryParse(Path.GetFileName(directory), out var version) ? version : 0;
}

[CollectionDefinition(Name)]
public sealed class PostgreSqlTestGroup : ICollectionFixture<PostgreSqlServers>
{
    public const string Name = "PostgreSQL servers";
}
