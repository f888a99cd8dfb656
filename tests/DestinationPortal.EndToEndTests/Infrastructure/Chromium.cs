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

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        var options = new BrowserTypeLaunchOptions { Headless = true, Args = Arguments };
        if (File.Exists(DebianExecutable))
        {
            options.ExecutablePath = DebianExecutable;
        }
        else if (!ManagedChromiumInstalled())
        {
            throw new InvalidOperationException(
                $"The end-to-end tests need Chromium at {DebianExecutable}. Install it with `apt-get install -y chromium` (Debian); " +
                "./test.sh does this when it is missing.");
        }

        return playwright.Chromium.LaunchAsync(options);
    }

    private static bool ManagedChromiumInstalled()
    {
        var cache = Environment.GetEnvironmentVariable("PLAYWRIGHT_BROWSERS_PATH") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "ms-playwright");
        return Directory.Exists(cache) && Directory.EnumerateDirectories(cache, "chromium*").Any();
    }
}
