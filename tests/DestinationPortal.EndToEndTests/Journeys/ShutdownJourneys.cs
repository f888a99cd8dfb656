using System.Text.RegularExpressions;
using DestinationPortal.EndToEndTests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace DestinationPortal.EndToEndTests.Journeys;

/// <summary>Issue 12: a restart costs seconds, and the open page says what is happening while the server is away.</summary>
[Collection(PortalTestGroup.Name)]
public sealed class ShutdownJourneys(PortalFixture portal, ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>appsettings.json's shutdownTimeoutSeconds: the longest the host waits for open connections to finish.</summary>
    private static readonly TimeSpan ConfiguredShutdownTimeout = TimeSpan.FromSeconds(5);

    // A loaded two-core machine needs time to run the remaining shutdown and the process exit; still far below the
    // framework's default 30 s, which is what an open tab used to cost.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(8);

    private IBrowserContext _context = null!;

    public async Task InitializeAsync() => _context = await portal.NewContextAsync();

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task SigtermUnderOpenPage_ExitsWithinShutdownTimeout_ReconnectShowsOneState()
    {
        // Its own portal, so stopping it leaves the shared one to the other journeys; Development is how the README
        // starts it, and the environment in which an open tab held the host for 30 s.
        var app = await portal.StartAppAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Logging__LogLevel__Microsoft.AspNetCore.Server.Kestrel"] = "Debug",
        });
        var page = await new PortalSession(app).OpenAsync(_context);
        var modal = page.Locator("#components-reconnect-modal");
        await Expect(modal).ToBeHiddenAsync();

        var stopped = await app.StopAsync();
        output.WriteLine($"SIGTERM to exit with a page open: {stopped.TotalSeconds:F1} s");

        Assert.True(stopped < ConfiguredShutdownTimeout + Margin,
            $"The portal took {stopped.TotalSeconds:F1} s to exit after SIGTERM with a page open. Its output:\n{app.Output}");
        // Not merely cut short by the timeout: no connection held the host until it ran out (the tab's reconnect is
        // refused while it stops). Kestrel says so at Debug when it has to abort one; a loaded machine's slowness does not.
        Assert.DoesNotContain("failed to close gracefully", app.Output, StringComparison.Ordinal);
        await Expect(modal).ToBeVisibleAsync();
        output.WriteLine($"Reconnect dialog classes: {await modal.GetAttributeAsync("class")}; visible: {string.Join(" | ", await modal.Locator("p:visible").AllInnerTextsAsync())}");
        // Styled, the dialog shows the one paragraph for its current state and says what it is doing.
        var visibleStates = modal.Locator("p:visible");
        await Expect(visibleStates).ToHaveCountAsync(1);
        await Expect(visibleStates).ToContainTextAsync(new Regex("Reconnecting|not answering"));
        await Expect(modal.Locator("button:visible")).ToHaveCountAsync(0);
    }
}
