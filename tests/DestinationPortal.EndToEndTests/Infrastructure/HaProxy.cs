using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace DestinationPortal.EndToEndTests.Infrastructure;

/// <summary>
/// Debian's HAProxy running deploy/haproxy.cfg, the configuration docs/scale-out.md and compose.yaml ship, in front of
/// portals on loopback ports. Only the addresses are rendered into a copy in the fixture's directory, so what the
/// journeys test is what an operator deploys. Killed on dispose.
/// </summary>
public sealed class HaProxy : IAsyncDisposable
{
    private const string Executable = "/usr/sbin/haproxy";

    /// <summary>The sticky cookie deploy/haproxy.cfg inserts; its value names the instance (a, b).</summary>
    public const string NodeCookie = "PORTAL_NODE";

    private readonly ConcurrentQueue<string> _output = new();
    private readonly Process _process;

    private HaProxy(Process process, int port)
    {
        _process = process;
        Port = port;
        BaseUrl = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
    }

    public int Port { get; }

    public Uri BaseUrl { get; }

    /// <summary>HAProxy's own log (one line per request, server state changes), for a failing journey's message.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>
    /// Renders deploy/haproxy.cfg into <paramref name="directory"/> with its servers (portal-a, portal-b) on
    /// <paramref name="serverPorts"/> (by server name), checks it with `haproxy -c`, starts it in the foreground and
    /// returns once it forwards to every server.
    /// </summary>
    public static async Task<HaProxy> StartAsync(string directory, IReadOnlyDictionary<string, int> serverPorts)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"The load-balancer journeys need HAProxy at {Executable}: apt-get install -y haproxy (./test.sh does).");
        }

        var port = FreePort.Next();
        var configuration = Render(port, serverPorts);
        var path = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllTextAsync(path, configuration);
        await CheckAsync(path);

        var start = new ProcessStartInfo(Executable, ["-db", "-f", path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = new Process { StartInfo = start };
        var proxy = new HaProxy(process, port);
        process.OutputDataReceived += (_, e) => proxy.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => proxy.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            foreach (var node in serverPorts.Keys)
            {
                await proxy.WaitUntilServedByAsync(CookieValue(node));
            }
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }

        return proxy;
    }

    /// <summary>The cookie value deploy/haproxy.cfg gives a server: portal-a is "a".</summary>
    public static string CookieValue(string serverName) => serverName["portal-".Length..];

    /// <summary>
    /// Waits until a request carrying <paramref name="node"/>'s cookie is answered by that instance: HAProxy then keeps
    /// the cookie (it sets a new one only when it sends the request elsewhere, a down instance's redispatched request).
    /// </summary>
    public async Task WaitUntilServedByAsync(string node)
    {
        using var handler = new HttpClientHandler { UseCookies = false };
        using var http = new HttpClient(handler) { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        var last = "no answer yet";
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"HAProxy exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "health");
                request.Headers.Add("Cookie", $"{NodeCookie}={node}");
                using var response = await http.SendAsync(request);
                var reassigned = response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(NodeCookie + "=", StringComparison.Ordinal));
                if (response.StatusCode == HttpStatusCode.OK && !reassigned)
                {
                    return;
                }

                last = $"{(int)response.StatusCode}, reassigned: {reassigned}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"HAProxy did not forward to instance {node} within 30 s (last: {last}). Its log:\n{Output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    private static string Render(int port, IReadOnlyDictionary<string, int> serverPorts)
    {
        var template = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "deploy", "haproxy.cfg"));
        var rendered = ReplaceOnce(template, "bind :8080", $"bind 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        foreach (var (server, serverPort) in serverPorts)
        {
            rendered = ReplaceOnce(rendered, $" {server}:8080 ", $" 127.0.0.1:{serverPort.ToString(CultureInfo.InvariantCulture)} ");
        }

        return rendered;
    }

    // Exactly once: a deploy/haproxy.cfg that no longer has the line fails here, not as a journey that tests something else.
    private static string ReplaceOnce(string text, string what, string with)
    {
        var first = text.IndexOf(what, StringComparison.Ordinal);
        if (first < 0 || text.IndexOf(what, first + what.Length, StringComparison.Ordinal) >= 0)
        {
            throw new InvalidOperationException($"deploy/haproxy.cfg must contain \"{what.Trim()}\" exactly once.");
        }

        return string.Concat(text.AsSpan(0, first), with, text.AsSpan(first + what.Length));
    }

    private static async Task CheckAsync(string path)
    {
        var start = new ProcessStartInfo(Executable, ["-c", "-f", path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var check = Process.Start(start)!;
        var output = check.StandardOutput.ReadToEndAsync();
        var error = check.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await check.WaitForExitAsync(limit.Token);
        if (check.ExitCode != 0)
        {
            throw new InvalidOperationException($"haproxy -c refused {path}:\n{await output}{await error}");
        }
    }
}
