using System.Diagnostics;

namespace DestinationPortal.IntegrationTests.Store;

/// <summary>What one run of an operator command printed and returned.</summary>
public sealed record CommandResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs <c>dotnet DestinationPortal.Web.dll &lt;command&gt;</c> from the test output folder (the web app is built there as a
/// project reference): the real entry point and exit code, configured through the environment like a deploy step.
/// </summary>
public static class PortalCommand
{
    public static async Task<CommandResult> RunAsync(IReadOnlyDictionary<string, string?> settings, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "DestinationPortal.Web.dll"), .. args])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{string.Join(' ', args)}' did not finish within 2 minutes.");
        }

        return new CommandResult(process.ExitCode, await output, await error);
    }

    /// <summary>Starts the command without waiting for it, for tests that hold it up on purpose.</summary>
    public static Task<CommandResult> StartAsync(IReadOnlyDictionary<string, string?> settings, params string[] args) =>
        Task.Run(() => RunAsync(settings, args));
}
