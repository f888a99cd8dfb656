using System.Diagnostics;
using System.Globalization;
using DestinationPortal.TestSupport;

namespace DestinationPortal.Benchmarks.Browser;

/// <summary>A published Blazor app in its own process (Production, a free loopback port), stopped on dispose.</summary>
internal sealed class ServerProcess(string assembly, IReadOnlyDictionary<string, string> environment) : IAsyncDisposable
{
    private Process? _process;

    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("Not started.");

    /// <summary>Starts the app and returns its base address once Kestrel says it listens.</summary>
    public async Task<string> StartAsync()
    {
        var url = $"http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}";
        var start = new ProcessStartInfo("dotnet", [assembly, "--urls", url])
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("Application started", StringComparison.Ordinal) == true)
            {
                started.TrySetResult();
            }
        };
        _process.ErrorDataReceived += (_, e) => { };
        _process.Exited += (_, _) => started.TrySetException(new InvalidOperationException($"{assembly} exited during start-up."));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await started.Task.WaitAsync(TimeSpan.FromMinutes(2));
        return url + "/";
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
    }
}
