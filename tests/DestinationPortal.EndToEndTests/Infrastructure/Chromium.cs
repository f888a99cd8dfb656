using Microsoft.Playwright;

namespace DestinationPortal.EndToEndTests.Infrastructure;

/// <summary>
/// Launches Debian's Chromium. Playwright's own browser download cannot work on the build machines (no internet
/// but the package feeds), so the suite drives the distribution's browser; Playwright's managed Chromium is used
/// only where one is already installed. Without either the suite fails and says what to install: it never skips.
/// </summary>
internal static class Chromium
{
    private const string DebianExecutable = "/usr/bin/chromium";

    // The flags a headless browser in a container or CI runner needs, and no network chatter of its own.
    private static readonly string[] Arguments =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { Headless = true, Args = Arguments, ExecutablePath = Executable() });

    /// <summary>Debian's browser, or null for Playwright's managed one when that is installed; otherwise it says what to install.</summary>
    private static string? Executable() =>
        File.Exists(DebianExecutable) ? DebianExecutable
        : ManagedChromiumInstalled() ? null
        : throw new InvalidOperationException(
            $"The end-to-end tests need Chromium at {DebianExecutable}. Install it with `apt-get install -y chromium` (Debian); " +
            "./test.sh does this when it is missing.");

    /// <summary>
    /// A browser with a profile of its own (not an off-the-record context), extra flags such as
    /// <c>--auth-server-allowlist</c>, and environment variables on top of this process's minus its Kerberos ones:
    /// Chromium reads KRB5CCNAME and KRB5_CONFIG when it loads GSSAPI. A Playwright context is off the record, and there
    /// Chromium answers a Negotiate challenge with ERR_UNSUPPORTED_AUTH_SCHEME (seen in its net log), as a browser in
    /// incognito mode does without the ambient-authentication policy.
    /// </summary>
    public static Task<IBrowserContext> LaunchWithProfileAsync(
        IPlaywright playwright, string profileDirectory, string baseUrl, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var inherited = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => KeyValuePair.Create((string)e.Key, (string?)e.Value ?? ""))
            .Where(e => !e.Key.StartsWith("KRB5", StringComparison.Ordinal) && !environment.ContainsKey(e.Key));
        var options = new BrowserTypeLaunchPersistentContextOptions
        {
            Headless = true,
            Args = [.. Arguments, .. arguments],
            Env = [.. inherited, .. environment],
            BaseURL = baseUrl,
            ExecutablePath = Executable(),
        };
        return playwright.Chromium.LaunchPersistentContextAsync(profileDirectory, options);
    }

    private static bool ManagedChromiumInstalled()
    {
        var cache = Environment.GetEnvironmentVariable("PLAYWRIGHT_BROWSERS_PATH") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "ms-playwright");
        return Directory.Exists(cache) && Directory.EnumerateDirectories(cache, "chromium*").Any();
    }
}
