using Microsoft.Playwright;

namespace DestinationPortal.EndToEndTests.Infrastructure;

/// <summary>
/// Screenshots for people: always written next to the test binaries (screenshots/), and into docs/screenshots/ for the
/// README when PORTAL_UPDATE_SCREENSHOTS=1.
/// </summary>
public static class Screenshots
{
    public static string OutputDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    private static bool UpdateDocs => Environment.GetEnvironmentVariable("PORTAL_UPDATE_SCREENSHOTS") == "1";

    public static async Task SaveAsync(IPage page, string fileName, bool fullPage)
    {
        Directory.CreateDirectory(OutputDirectory);
        // A full-page picture of a scrolled page shows the fixed app bar in the middle, and a clicked button keeps its
        // focus highlight: take it as a person first sees the page.
        await page.EvaluateAsync("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }");
        var path = Path.Combine(OutputDirectory, fileName);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = fullPage, Animations = ScreenshotAnimations.Disabled });
        if (UpdateDocs)
        {
            File.Copy(path, Path.Combine(RepositoryPaths.Root, "docs", "screenshots", fileName), overwrite: true);
        }
    }
}
