using System.Diagnostics;

namespace DestinationPortal.TestSupport;

/// <summary>Runs the PostgreSQL server binaries, as the postgres account when the tests run as root (initdb refuses root).</summary>
public static class LocalCommand
{
    public static bool RunningAsRoot { get; } = Environment.UserName == "root";

    // environment: extra variables for the command, passed with env so that runuser cannot drop them.
    public static async Task RunAsync(string executable, IReadOnlyList<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var variables = (environment ?? new Dictionary<string, string>()).Select(v => $"{v.Key}={v.Value}").ToList();
        var start = RunningAsRoot
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", "env", .. variables, executable, .. arguments])
            : new ProcessStartInfo("env", [.. variables, executable, .. arguments]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(executable)} {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds} s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(executable)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
        }
    }

    /// <summary>Hands a directory tree to the postgres account; the server refuses data and key files it does not own.</summary>
    public static async Task GiveToPostgresAsync(string path)
    {
        if (!RunningAsRoot)
        {
            return;
        }

        using var process = Process.Start("chown", ["-R", "postgres:postgres", path]) ?? throw new InvalidOperationException("Could not start chown.");
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"chown -R postgres:postgres {path} exited with {process.ExitCode}.");
        }
    }
}
