using Xunit;

namespace DestinationPortal.TestSupport;

/// <summary>
/// Real PostgreSQL servers for the connection tests, started once per test collection: one with TLS, one without, one
/// presenting an expired certificate and one presenting a certificate for another name. <see cref="PostgreSqlBackend"/>
/// decides where they come from: containers from a pinned image when a Docker engine answers, else throwaway clusters
/// made from the Debian server binaries (initdb once, then copies) on free loopback ports; deleted at the end either way.
/// There is no silent fallback: when neither is available the fixture fails and says what to install.
/// </summary>
public sealed class PostgreSqlServers : IAsyncLifetime
{
    private readonly List<IPostgreSqlServer> _servers = [];
    private DirectoryInfo? _root;

    public TestCertificates Certificates { get; } = TestCertificates.Create();

    public PostgreSqlBackend Backend { get; private set; } = null!;

    public IPostgreSqlServer Tls { get; private set; } = null!;

    public IPostgreSqlServer NoTls { get; private set; } = null!;

    public IPostgreSqlServer ExpiredCertificate { get; private set; } = null!;

    public IPostgreSqlServer OtherNameCertificate { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Backend = await PostgreSqlBackend.SelectAsync();
        _root = Directory.CreateTempSubdirectory("destination-portal-pg-");
        try
        {
            Func<string, PemCertificate?, Task<IPostgreSqlServer>> start = Backend.Source == PostgreSqlSource.Docker
                ? (name, certificate) => StartContainerAsync(name, Backend.DockerEndpoint!, certificate)
                : await PrepareLocalClustersAsync(Backend.BinDirectory!);

            // One after another: on two cores parallel starts gain little and make failures harder to read.
            Tls = await start("tls", Certificates.Server);
            NoTls = await start("notls", null);
            ExpiredCertificate = await start("expired", Certificates.Expired);
            OtherNameCertificate = await start("othername", Certificates.OtherName);
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
        foreach (var server in _servers)
        {
            await server.StopAsync();
        }

        _root?.Delete(recursive: true);
    }

    /// <summary>Runs initdb once into a template that each cluster copies.</summary>
    private async Task<Func<string, PemCertificate?, Task<IPostgreSqlServer>>> PrepareLocalClustersAsync(string bin)
    {
        var template = await LocalCluster.CreateTemplateAsync(_root!.FullName, bin);
        return async (name, certificate) => Track(await LocalCluster.StartAsync(name, bin, template, certificate));
    }

    private async Task<IPostgreSqlServer> StartContainerAsync(string name, Uri dockerEndpoint, PemCertificate? certificate) =>
        Track(await ContainerServer.StartAsync(name, dockerEndpoint, _root!.FullName, certificate));

    private IPostgreSqlServer Track(IPostgreSqlServer server)
    {
        _servers.Add(server);
        return server;
    }
}
