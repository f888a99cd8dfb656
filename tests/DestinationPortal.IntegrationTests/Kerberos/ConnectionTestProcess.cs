using System.Diagnostics;
using System.Text.Json;
using DestinationPortal.ConnectionTestHost;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using DestinationPortal.IntegrationTests.ConnectionTesting;

namespace DestinationPortal.IntegrationTests.Kerberos;

/// <summary>
/// The Kerberos environment of the portal's process: which realm configuration it reads, which client keytab it may use
/// and which ticket cache it starts with. Each run gets a fresh in-memory cache unless one is named, so no ticket from an
/// earlier test (which would survive a stopped KDC) leaks into the next.
/// </summary>
public sealed record PortalKerberosEnvironment(string ConfigFile, string ClientKeytab, string? CredentialCache = null);

/// <summary>One run's events, and the report with the child's stderr and MIT's trace (KRB5_TRACE) for assertion messages.</summary>
public sealed record HostRun(IReadOnlyList<ConnectionTestEvent> Events, string Diagnostics)
{
    public string Report => Events.ToReportText() + "\n" + Diagnostics;
}

/// <summary>
/// Runs the tester in a child process (tests/DestinationPortal.ConnectionTestHost) started with the Kerberos variables
/// set. MIT Kerberos reads them with getenv, which Environment.SetEnvironmentVariable does not reach on Linux. Also for
/// any other process-wide setting a test must not change under the tests running beside it (the temp directory).
/// </summary>
internal static class ConnectionTestProcess
{
    // A cold process (JIT, TLS, a KDC round trip) on a loaded 2-core machine; still a hard bound on every test.
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(60);
    private static readonly string s_host = Path.Combine(AppContext.BaseDirectory, "DestinationPortal.ConnectionTestHost.dll");

    // language: the child's culture (LC_ALL, LANG), as a user's language sets a run's; null keeps the test's own environment.
    public static Task<HostRun> RunAsync(DestinationDefinition destination, PortalKerberosEnvironment kerberos, string? password = null, string? language = null) =>
        RunAsync(destination, kerberos, password, language, environment: null);

    /// <summary>A run without Kerberos, in a process with <paramref name="environment"/> set on top of the test's own.</summary>
    public static Task<HostRun> RunAsync(DestinationDefinition destination, string password, IReadOnlyDictionary<string, string> environment) =>
        RunAsync(destination, kerberos: null, password, language: null, environment);

    private static async Task<HostRun> RunAsync(
        DestinationDefinition destination, PortalKerberosEnvironment? kerberos, string? password, string? language, IReadOnlyDictionary<string, string>? environment)
    {
        var request = JsonSerializer.Serialize(new HostRequest(destination, password), HostProtocol.JsonOptions);
        var (output, diagnostics) = await RunHostAsync(HostProtocol.TestCommand, request, kerberos, language, environment);
        var events = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonSerializer.Deserialize<ConnectionTestEvent>(line, HostProtocol.JsonOptions)!)
            .ToList();
        Assert.True(events.Count > 0 && events[^1].Outcome is not null, $"The host printed no result.\n{diagnostics}");
        TesterHarness.AssertWellFormed(events, password);
        return new HostRun(events, diagnostics);
    }

    public static async Task<KerberosIdentity> ReadIdentityAsync(PortalKerberosEnvironment kerberos)
    {
        var (output, diagnostics) = await RunHostAsync(HostProtocol.IdentityCommand, "", kerberos);
        return JsonSerializer.Deserialize<KerberosIdentity>(output, HostProtocol.JsonOptions) ?? throw new InvalidOperationException(diagnostics);
    }

    private static async Task<(string Output, string Diagnostics)> RunHostAsync(
        string command, string input, PortalKerberosEnvironment? kerberos, string? language = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var trace = kerberos is null ? null : Path.Combine(Path.GetDirectoryName(kerberos.ClientKeytab)!, $"trace-{Guid.NewGuid():N}.log");
        var start = new ProcessStartInfo("dotnet", [s_host, command])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Nothing Kerberos- or libpq-related from the test's own environment reaches the child.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("KRB5", StringComparison.Ordinal) || k.StartsWith("PG", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        if (kerberos is not null)
        {
            start.Environment["KRB5_CONFIG"] = kerberos.ConfigFile;
            start.Environment["KRB5_CLIENT_KTNAME"] = kerberos.ClientKeytab;
            start.Environment["KRB5CCNAME"] = kerberos.CredentialCache ?? $"MEMORY:test-{Guid.NewGuid():N}";
            start.Environment["KRB5_TRACE"] = trace;
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        if (language is not null)
        {
            // .NET takes the process's culture from these on Linux, LC_ALL first.
            start.Environment.Remove("LC_MESSAGES");
            start.Environment["LC_ALL"] = language;
            start.Environment["LANG"] = language;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the connection test host.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var limit = new CancellationTokenSource(s_limit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The connection test host did not finish within {s_limit.TotalSeconds} s.\n{await error}");
        }

        var diagnostics = $"--- host stderr ---\n{await error}\n--- KRB5_TRACE ---\n{(trace is not null && File.Exists(trace) ? await File.ReadAllTextAsync(trace) : "(none)")}";
        Assert.True(process.ExitCode == 0, $"The connection test host exited with {process.ExitCode}.\n{diagnostics}");
        return (await output, diagnostics);
    }
}
