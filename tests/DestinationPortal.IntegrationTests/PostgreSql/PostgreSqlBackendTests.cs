using System.Globalization;

namespace DestinationPortal.IntegrationTests.PostgreSql;

/// <summary>
/// How the fixture chooses between Docker and the Debian binaries, without Docker: engines are stood in for by loopback
/// listeners, binaries by a directory with the two files the fixture looks for, and the environment by a dictionary.
/// </summary>
public sealed class PostgreSqlBackendTests : IDisposable
{
    // Generous, so an answering stand-in is not mistaken for a dead engine on a loaded machine; only the silent
    // endpoint waits it out, and that test uses a short one.
    private static readonly TimeSpan s_probe = TimeSpan.FromSeconds(10);
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("dp-backend-");

    public void Dispose() => _root.Delete(recursive: true);

    /// <summary>A binaries root like /usr/lib/postgresql with 15/bin/initdb and 15/bin/pg_ctl.</summary>
    private string BinariesRoot()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_root.FullName, "installed", "15", "bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "initdb"), "");
        File.WriteAllText(Path.Combine(bin, "pg_ctl"), "");
        return Path.Combine(_root.FullName, "installed");
    }

    private string NoBinaries() => Directory.CreateDirectory(Path.Combine(_root.FullName, "empty")).FullName;

    private static Func<string, string?> Environment(string? mode, string? dockerHost) =>
        new Dictionary<string, string?> { [PostgreSqlBackend.Variable] = mode, ["DOCKER_HOST"] = dockerHost }.GetValueOrDefault;

    private static string ClosedPortEndpoint()
    {
        return "tcp://127.0.0.1:" + FreePort.Next().ToString(CultureInfo.InvariantCulture);
    }

    private static string Endpoint(FakeServer server) => "tcp://127.0.0.1:" + server.Port.ToString(CultureInfo.InvariantCulture);

    private static Task<PostgreSqlBackend> SelectAsync(Func<string, string?> environment, string binariesRoot, TimeSpan? probe = null) =>
        // A probe that ignored its bound would hang on a silent endpoint; fail instead.
        PostgreSqlBackend.SelectAsync(environment, binariesRoot, probe ?? s_probe).WaitAsync(TimeSpan.FromSeconds(30));

    [Fact]
    public async Task Select_DockerRequiredAndDockerHostUnreachable_FailsNamingTheEndpointInsteadOfUsingTheBinaries()
    {
        var dockerHost = ClosedPortEndpoint();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SelectAsync(Environment("docker", dockerHost), BinariesRoot()));

        Assert.Contains("PORTAL_TEST_POSTGRES=docker", error.Message, StringComparison.Ordinal);
        Assert.Contains($"no Docker engine answered at {dockerHost}", error.Message, StringComparison.Ordinal);
        Assert.Contains("start a Docker engine", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Select_DockerRequiredAndSocketMissing_FailsNamingTheSocket()
    {
        var socket = Path.Combine(_root.FullName, "docker.sock");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SelectAsync(Environment("docker", "unix://" + socket), BinariesRoot()));

        Assert.Contains($"no Docker engine answered at unix://{socket}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Select_DockerRequiredAndEngineOnAnotherHost_FailsBecauseThePortsWouldNotBeOnLoopback()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SelectAsync(Environment("docker", "tcp://192.0.2.10:2375"), BinariesRoot()));

        Assert.Contains("is not on this machine", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Select_DockerRequiredAndEngineAnswers_UsesDocker()
    {
        await using var engine = FakeServer.DockerPing();

        var backend = await SelectAsync(Environment("docker", Endpoint(engine)), NoBinaries());

        Assert.Equal(PostgreSqlSource.Docker, backend.Source);
        Assert.Equal(new Uri(Endpoint(engine)), backend.DockerEndpoint);
    }

    [Fact]
    public async Task Select_AutoAndEngineAnswers_PrefersDockerOverTheBinaries()
    {
        await using var engine = FakeServer.DockerPing();

        var backend = await SelectAsync(Environment(null, Endpoint(engine)), BinariesRoot());

        Assert.Equal(PostgreSqlSource.Docker, backend.Source);
        Assert.Equal(1, engine.Accepted);
    }

    [Fact]
    public async Task Select_AutoAndEndpointNeverAnswers_GivesUpWithinTheBoundAndUsesTheBinaries()
    {
        await using var silent = FakeServer.Silent();
        var root = BinariesRoot();

        var backend = await SelectAsync(Environment("auto", Endpoint(silent)), root, TimeSpan.FromMilliseconds(500));

        Assert.Equal(PostgreSqlSource.LocalBinaries, backend.Source);
        Assert.Equal(Path.Combine(root, "15", "bin"), backend.BinDirectory);
        await silent.WaitForAcceptedAsync(1);
    }

    [Fact]
    public async Task Select_AutoAndEndpointIsNotDocker_UsesTheBinaries()
    {
        await using var http = FakeServer.Http();

        var backend = await SelectAsync(Environment(null, Endpoint(http)), BinariesRoot());

        Assert.Equal(PostgreSqlSource.LocalBinaries, backend.Source);
    }

    [Fact]
    public async Task Select_AutoWithNeitherDockerNorBinaries_FailsSayingWhatToInstall()
    {
        var dockerHost = ClosedPortEndpoint();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SelectAsync(Environment(null, dockerHost), NoBinaries()));

        Assert.Contains($"no Docker engine answered at {dockerHost}", error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install postgresql", error.Message, StringComparison.Ordinal);
        Assert.Contains("start a Docker engine", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Select_LocalRequired_IgnoresAnAnsweringEngine()
    {
        await using var engine = FakeServer.DockerPing();

        var backend = await SelectAsync(Environment("local", Endpoint(engine)), BinariesRoot());

        Assert.Equal(PostgreSqlSource.LocalBinaries, backend.Source);
        Assert.Equal(0, engine.Accepted);
    }

    [Fact]
    public async Task Select_LocalRequiredWithoutBinaries_FailsSayingWhatToInstall()
    {
        await using var engine = FakeServer.DockerPing();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SelectAsync(Environment("LOCAL", Endpoint(engine)), NoBinaries()));

        Assert.Contains("PORTAL_TEST_POSTGRES=local", error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install postgresql", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Select_UnknownChoice_FailsNamingTheChoices()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SelectAsync(Environment("podman", null), BinariesRoot()));

        Assert.Contains("'podman' is not one of auto, docker, local", error.Message, StringComparison.Ordinal);
    }
}
