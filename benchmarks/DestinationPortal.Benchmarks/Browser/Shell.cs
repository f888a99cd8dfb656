using System.Diagnostics;

namespace DestinationPortal.Benchmarks.Browser;

internal static class Shell
{
    /// <summary>Runs a command to its end and returns its standard output; a non-zero exit throws with both outputs.</summary>
    public static async Task<string> RunAsync(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(limit.Token);
        return process.ExitCode == 0
            ? (await stdout).Trim()
            : throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
    }
}
