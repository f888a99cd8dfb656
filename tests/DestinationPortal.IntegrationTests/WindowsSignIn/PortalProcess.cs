using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace DestinationPortal.IntegrationTests.WindowsSignIn;

/// <summary>
/// The portal as its own process (<c>dotnet DestinationPortal.Web.dll</c> from the test output, Production), on
/// http://localhost:&lt;free port&gt;. A process of its own because MIT Kerberos reads its variables (KRB5_CONFIG,
/// KRB5_KTNAME) with getenv, so the test process's environment cannot be the portal's. Nothing Kerberos-related from the
/// test's own environment reaches it.
/// </summary>
public sealed class PortalProcess : IAsyncDisposable
{
    // A cold start on a loaded two-core machine shared with other builds; a bound, not a measurement.
    private static readonly TimeSpan s_startLimit = TimeSpan.FromSeconds(240);
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Process _process;

    private PortalProcess(Process process, int port)
    {
        _process = process;
        BaseUrl = new Uri($"http://localhost:{port.ToString(CultureInfo.InvariantCulture)}/");
    }

    /// <summary>With the host name "localhost", so a client asks the KDC for HTTP/localhost.</summary>
    public Uri BaseUrl { get; }

    public string Output => string.Join('\n', _output);

    public static async Task<PortalProcess> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        var port = FreePort.Next();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "DestinationPortal.Web.dll"), "--urls", $"http://localhost:{port.ToString(CultureInfo.InvariantCulture)}"])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("KRB5", StringComparison.Ordinal) || k.StartsWith("Portal__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var app = new PortalProcess(new Process { StartInfo = start, EnableRaisingEvents = true }, port);
        app._process.OutputDataReceived += (_, e) => OnLine(e.Data);
        app._process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        app._process.Exited += (_, _) => started.TrySetException(new InvalidOperationException($"The portal exited during start-up:\n{app.Output}"));
        app._process.Start();
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        try
        {
            // Logged by Microsoft.Hosting.Lifetime once Kestrel listens.
            await started.Task.WaitAsync(s_startLimit);
            using var http = new HttpClient { BaseAddress = app.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
            using var health = await http.GetAsync("health");
            Assert.True(health.StatusCode == HttpStatusCode.OK, $"/health answered {(int)health.StatusCode}:\n{app.Output}");
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            app._output.Enqueue(line);
            if (line.Contains("Application started", StringComparison.Ordinal))
            {
                started.TrySetResult();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
