using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace DestinationPortal.EndToEndTests.Infrastructure;

/// <summary>
/// The published portal running as its own process, the way the container runs it: Production, an explicit URL on a
/// free loopback port, its own data directory. It can be stopped and started again on the same port and data
/// directory, which is what a server restart looks like to a browser.
/// </summary>
public sealed class PortalApp : IAsyncDisposable
{
    private readonly string _publishDirectory;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    private PortalApp(string publishDirectory, string dataDirectory, IReadOnlyDictionary<string, string> environment, int? port)
    {
        _publishDirectory = publishDirectory;
        _environment = environment;
        DataDirectory = dataDirectory;
        Port = port ?? FreePort.Next();
        BaseUrl = new Uri($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");
    }

    public int Port { get; }

    public Uri BaseUrl { get; }

    public string DataDirectory { get; }

    /// <summary>Everything the app wrote to stdout and stderr, across restarts.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>
    /// Starts the app and returns once Kestrel listens and /health answers 200; on <paramref name="port"/> when a peer
    /// started first must know the portal's address (an OpenID Connect provider its redirect URI), else on a free one.
    /// </summary>
    public static async Task<PortalApp> StartAsync(string publishDirectory, string dataDirectory, IReadOnlyDictionary<string, string> environment, int? port = null)
    {
        var app = new PortalApp(publishDirectory, dataDirectory, environment, port);
        await app.StartAgainAsync();
        return app;
    }

    /// <summary>Starts the process (again) on the same port and data directory.</summary>
    public async Task StartAgainAsync()
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("The portal is already running.");
        }

        var start = new ProcessStartInfo("dotnet", [Path.Combine(_publishDirectory, "DestinationPortal.Web.dll"), "--urls", BaseUrl.GetLeftPart(UriPartial.Authority)])
        {
            WorkingDirectory = _publishDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Portal__DataDirectory"] = DataDirectory;
        foreach (var (name, value) in _environment)
        {
            start.Environment[name] = value;
        }

        // Kestrel logs "Application started" once it listens (Microsoft.Hosting.Lifetime, Information): wait for that
        // line instead of polling the port.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => started.TrySetException(new InvalidOperationException($"The portal exited during start-up. Its output:\n{Output}"));
        _output.Enqueue($"--- starting {string.Join(' ', start.ArgumentList)}");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        await started.Task.WaitAsync(TimeSpan.FromSeconds(90));

        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        using var health = await http.GetAsync("health");
        if (health.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"/health answered {(int)health.StatusCode}. The portal's output:\n{Output}");
        }

        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            _output.Enqueue(line);
            if (line.Contains("Application started", StringComparison.Ordinal))
            {
                started.TrySetResult();
            }
        }
    }

    /// <summary>
    /// Stops the process the way a service manager does (SIGTERM), killing it if it does not exit in time. Returns how
    /// long the process took from SIGTERM to exit (a kill counts the whole grace period).
    /// </summary>
    public async Task<TimeSpan> StopAsync()
    {
        if (_process is not { } process)
        {
            return TimeSpan.Zero;
        }

        _process = null;
        var stopping = Stopwatch.StartNew();
        if (!process.HasExited)
        {
            // The shell's own kill: a slim Debian image need not have the procps binary.
            using (var term = Process.Start("/bin/sh", ["-c", $"kill -TERM {process.Id.ToString(CultureInfo.InvariantCulture)}"]))
            {
                await term.WaitForExitAsync();
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        stopping.Stop();
        process.Dispose();
        return stopping.Elapsed;
    }

    /// <summary>
    /// Ends the process with SIGKILL, as a crash or the kernel's OOM killer would: no shutdown runs, open connections are
    /// simply reset. <see cref="StartAgainAsync"/> brings it back.
    /// </summary>
    public async Task KillAsync()
    {
        if (_process is not { } process)
        {
            throw new InvalidOperationException("The portal is not running.");
        }

        _process = null;
        _output.Enqueue("--- killed (SIGKILL)");
        process.Kill();
        await process.WaitForExitAsync();
        process.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

}
