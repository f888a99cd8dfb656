using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace DestinationPortal.TestSupport;

public enum PostgreSqlSource
{
    /// <summary>Containers from a pinned image (Testcontainers.PostgreSql), through a Docker engine on this machine.</summary>
    Docker,

    /// <summary>Throwaway clusters from the Debian server binaries (initdb, pg_ctl).</summary>
    LocalBinaries,
}

/// <summary>
/// Where the integration tests get their PostgreSQL servers. <c>PORTAL_TEST_POSTGRES</c> chooses: <c>auto</c> (the
/// default) uses Docker when an engine answers within <see cref="ProbeTimeout"/>, else the Debian binaries;
/// <c>docker</c> and <c>local</c> require one of them. Whatever is required and missing fails the tests with what to
/// install. Nothing is skipped, and a required source never falls back to the other.
/// </summary>
public sealed record PostgreSqlBackend(PostgreSqlSource Source, string? BinDirectory, Uri? DockerEndpoint)
{
    public const string Variable = "PORTAL_TEST_POSTGRES";
    public const string DebianBinariesRoot = "/usr/lib/postgresql";

    // A local engine answers /_ping in milliseconds; the bound only matters for a DOCKER_HOST that never answers.
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    private const string InstallBinaries = "Install the server binaries with `apt-get install postgresql` (Debian/Ubuntu)";
    private const string StartDocker = "start a Docker engine on this machine (or set DOCKER_HOST to one whose published ports reach 127.0.0.1)";

    public static Task<PostgreSqlBackend> SelectAsync() =>
        SelectAsync(Environment.GetEnvironmentVariable, DebianBinariesRoot, ProbeTimeout);

    /// <summary>
    /// Chooses from <paramref name="environment"/> (a parameter so tests need not change the process's), the server
    /// binaries under <paramref name="binariesRoot"/> and a Docker engine that answers within <paramref name="probeTimeout"/>.
    /// </summary>
    public static async Task<PostgreSqlBackend> SelectAsync(Func<string, string?> environment, string binariesRoot, TimeSpan probeTimeout)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var requested = environment(Variable)?.Trim() ?? "";
        if (Is(requested, "local"))
        {
            return FindBinaries(binariesRoot) is { } required
                ? new PostgreSqlBackend(PostgreSqlSource.LocalBinaries, required, null)
                : throw Unavailable($"{Variable}=local, but there are no PostgreSQL server binaries (initdb, pg_ctl) under {binariesRoot}/<version>/bin. {InstallBinaries}.");
        }

        if (Is(requested, "docker"))
        {
            var (endpoint, problem) = await DockerProbe.FindAsync(environment, probeTimeout);
            return problem is null
                ? new PostgreSqlBackend(PostgreSqlSource.Docker, null, endpoint)
                : throw Unavailable($"{Variable}=docker, but {problem}. To run the tests in containers, {StartDocker}; or unset {Variable} to use the Debian binaries.");
        }

        if (requested.Length > 0 && !Is(requested, "auto"))
        {
            throw Unavailable($"{Variable}='{requested}' is not one of auto, docker, local.");
        }

        var docker = await DockerProbe.FindAsync(environment, probeTimeout);
        if (docker.Problem is null)
        {
            return new PostgreSqlBackend(PostgreSqlSource.Docker, null, docker.Endpoint);
        }

        return FindBinaries(binariesRoot) is { } bin
            ? new PostgreSqlBackend(PostgreSqlSource.LocalBinaries, bin, null)
            : throw Unavailable(
                $"The integration tests need real PostgreSQL servers and found none: {docker.Problem}, and there are no server binaries " +
                $"(initdb, pg_ctl) under {binariesRoot}/<version>/bin. {InstallBinaries}, or {StartDocker}.");
    }

    /// <summary>The Debian server binaries, for fixtures that need a local cluster whatever the backend (Kerberos); fails, never skips.</summary>
    public static string RequireLocalBinaries() =>
        FindBinaries(DebianBinariesRoot)
        ?? throw Unavailable($"These tests need PostgreSQL server binaries (initdb, pg_ctl) under {DebianBinariesRoot}/<version>/bin. {InstallBinaries}.");

    /// <summary>The newest installed server version's bin directory, preferring 15 (the version the scenarios were written against).</summary>
    private static string? FindBinaries(string root) =>
        (Directory.Exists(root) ? Directory.GetDirectories(root) : [])
            .OrderByDescending(d => Path.GetFileName(d) == "15" ? int.MaxValue : VersionOf(d))
            .Select(d => Path.Combine(d, "bin"))
            .FirstOrDefault(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")));

    private static int VersionOf(string directory) => int.TryParse(Path.GetFileName(directory), out var version) ? version : 0;

    private static bool Is(string value, string expected) => string.Equals(value, expected, StringComparison.OrdinalIgnoreCase);

    private static InvalidOperationException Unavailable(string message) => new(message);
}

/// <summary>Finds the Docker engine the way the docker CLI does (DOCKER_HOST, else the usual sockets) and asks it for /_ping.</summary>
public static class DockerProbe
{
    public static async Task<(Uri? Endpoint, string? Problem)> FindAsync(Func<string, string?> environment, TimeSpan timeout)
    {
        Uri endpoint;
        if (environment("DOCKER_HOST") is { Length: > 0 } configured)
        {
            if (!Uri.TryCreate(configured, UriKind.Absolute, out var parsed))
            {
                return (null, $"DOCKER_HOST='{configured}' is not an address such as unix:///var/run/docker.sock or tcp://127.0.0.1:2375");
            }

            endpoint = parsed;
        }
        else if (DefaultSockets(environment).FirstOrDefault(File.Exists) is { } socket)
        {
            endpoint = new Uri("unix://" + socket);
        }
        else
        {
            return (null, $"no Docker engine was found (DOCKER_HOST is not set and there is no socket at {string.Join(", ", DefaultSockets(environment))})");
        }

        var problem = Unusable(endpoint, environment) ?? await PingAsync(endpoint, timeout);
        return (endpoint, problem);
    }

    private static IEnumerable<string> DefaultSockets(Func<string, string?> environment)
    {
        yield return "/var/run/docker.sock";
        if (environment("XDG_RUNTIME_DIR") is { Length: > 0 } runtime)
        {
            yield return Path.Combine(runtime, "docker.sock");
        }

        if (environment("HOME") is { Length: > 0 } home)
        {
            yield return Path.Combine(home, ".docker", "run", "docker.sock");
        }
    }

    /// <summary>Why the fixture cannot use this engine at all, before asking it anything.</summary>
    private static string? Unusable(Uri endpoint, Func<string, string?> environment)
    {
        if (endpoint.Scheme == "unix")
        {
            return null;
        }

        if (endpoint.Scheme != "tcp")
        {
            return $"the Docker endpoint {endpoint} uses {endpoint.Scheme}, which this fixture does not support (use a unix socket or tcp://)";
        }

        if (environment("DOCKER_TLS_VERIFY") is { Length: > 0 } and not "0")
        {
            return $"the Docker endpoint {endpoint} requires TLS (DOCKER_TLS_VERIFY), which this fixture does not support";
        }

        // The scenarios connect to 127.0.0.1: an engine elsewhere publishes the servers' ports on its own host.
        var local = endpoint.Host == "localhost" || (IPAddress.TryParse(endpoint.Host, out var address) && IPAddress.IsLoopback(address));
        return local ? null : $"the Docker engine at {endpoint} is not on this machine, so the servers' ports would not be on 127.0.0.1";
    }

    /// <summary>Null when the engine answered "OK", else what went wrong.</summary>
    private static async Task<string?> PingAsync(Uri endpoint, TimeSpan timeout)
    {
        using var handler = new SocketsHttpHandler { ConnectTimeout = timeout, UseProxy = false };
        Uri baseAddress;
        if (endpoint.Scheme != "unix")
        {
            // 2375 is the engine's unencrypted TCP port when DOCKER_HOST names none.
            baseAddress = new UriBuilder("http", endpoint.Host, endpoint.Port > 0 ? endpoint.Port : 2375).Uri;
        }
        else
        {
            var path = endpoint.AbsolutePath;
            baseAddress = new Uri("http://docker/");
            handler.ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        using var client = new HttpClient(handler) { Timeout = timeout };
        var within = timeout.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture);
        try
        {
            using var response = await client.GetAsync(new Uri(baseAddress, "_ping"));
            var body = await response.Content.ReadAsStringAsync();
            return response.IsSuccessStatusCode && body.Trim() == "OK"
                ? null
                : $"the Docker endpoint {endpoint} answered /_ping with {(int)response.StatusCode} instead of OK";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or SocketException or IOException)
        {
            return $"no Docker engine answered at {endpoint} within {within} s ({ex.GetBaseException().Message})";
        }
    }
}
