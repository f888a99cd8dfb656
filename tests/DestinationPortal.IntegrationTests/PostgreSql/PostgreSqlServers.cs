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
        _root = Directory.CreateTempSubdirectory("destination-portal-pg-");
        var (bin, template) = await LocalCluster.CreateTemplateAsync(_root.FullName);

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
}

[CollectionDefinition(Name)]
public sealed class PostgreSqlTestGroup : ICollectionFixture<PostgreSqlServers>
{
    public const string Name = "PostgreSQL servers";
}
