using Microsoft.Playwright;

namespace DestinationPortal.Benchmarks.Browser;

/// <summary>
/// The portal as an operator runs it, for the benchmarks that drive it through Chromium: published in Release, started in
/// its own process (<see cref="ServerProcess"/>) over a data directory of its own, an administrator from configuration.
/// </summary>
internal static class PublishedPortal
{
    /// <summary>Publishes the web project under <paramref name="source"/> (a checkout of this repository) and returns its assembly.</summary>
    public static async Task<string> PublishAsync(string source, string output)
    {
        await Shell.RunAsync("dotnet", ["publish", Path.Combine(source, "src", "DestinationPortal.Web"), "-c", "Release", "-o", output,
            "--artifacts-path", output + "-artifacts"]);
        return Path.Combine(output, "DestinationPortal.Web.dll");
    }

    /// <summary>The settings that give the published portal its store and its first administrator.</summary>
    public static Dictionary<string, string> Environment(string dataDirectory, string adminName, string adminPassword) => new()
    {
        ["Portal__DataDirectory"] = dataDirectory,
        ["Portal__Admin__UserName"] = adminName,
        ["Portal__Admin__Password"] = adminPassword,
    };

    /// <summary>Headless /usr/bin/chromium without the background work that would share the machine with the measurement.</summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        Headless = true,
        ExecutablePath = "/usr/bin/chromium",
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });

    /// <summary>Signs in on the (statically rendered) sign-in page; the page's context keeps the cookie for its other pages.</summary>
    public static async Task SignInAsync(IPage page, string userName, string password)
    {
        await page.GotoAsync("account/signin");
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("signin", StringComparison.OrdinalIgnoreCase));
    }
}
