using System.Diagnostics;

namespace DestinationPortal.IntegrationTests.WindowsSignIn;

/// <summary>One HTTP exchange as curl saw it: the last response's status, headers and body, and curl's verbose log.</summary>
public sealed record CurlResponse(int Status, IReadOnlyList<string> Headers, string Body, string Log)
{
    public string? Header(string name) =>
        Headers.Where(h => h.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase)).Select(h => h[(name.Length + 1)..].Trim()).LastOrDefault();

    public override string ToString() => $"HTTP {Status}\n{string.Join('\n', Headers)}\n\n{Body}\n--- curl ---\n{Log}";
}

/// <summary>
/// Debian's curl, built with GSS-API: with <c>--negotiate -u :</c> it answers a Negotiate challenge with a Kerberos
/// ticket from the cache KRB5CCNAME names, and never asks anyone for a password. It runs as its own process with only
/// the Kerberos environment it is given, as a browser on a domain member would.
/// </summary>
public static class Curl
{
    private const string Binary = "/usr/bin/curl";
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(30);

    // kerberos: KRB5_CONFIG, KRB5CCNAME and the like for curl's process; arguments: extra curl arguments
    // (for example --negotiate -u :, -H, -b); workDirectory: where the headers and body files go.
    public static async Task<CurlResponse> GetAsync(Uri url, IReadOnlyDictionary<string, string> kerberos, string workDirectory, params string[] arguments)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException("The Windows sign-in tests need Debian's curl (apt-get install curl; test.sh does this).");
        }

        var id = Guid.NewGuid().ToString("N");
        var headers = Path.Combine(workDirectory, $"curl-{id}.headers");
        var body = Path.Combine(workDirectory, $"curl-{id}.body");
        var start = new ProcessStartInfo(Binary, ["-sS", "-v", "--max-time", "20", "-D", headers, "-o", body, "-w", "%{http_code}", .. arguments, url.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("KRB5", StringComparison.Ordinal) || k.Contains("proxy", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in kerberos)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start curl.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(s_limit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"curl did not finish within {s_limit.TotalSeconds} s.\n{await error}");
        }

        var log = await error;
        Assert.True(process.ExitCode == 0, $"curl exited with {process.ExitCode}.\n{log}");
        // -D writes every response of the exchange (the challenge, then the answer to the ticket): keep the last.
        var blocks = (await File.ReadAllTextAsync(headers)).Replace("\r", "", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        var last = blocks[^1].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return new CurlResponse(int.Parse(await output, System.Globalization.CultureInfo.InvariantCulture), last.Skip(1).ToList(), await File.ReadAllTextAsync(body), log);
    }
}
