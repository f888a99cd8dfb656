using System.Globalization;
using DestinationPortal.Benchmarks.Browser;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Persistence;
using DestinationPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace DestinationPortal.Benchmarks.CircuitHeap;

/// <summary>
/// Server heap per open Manage Destinations tab (issue 16): the published portal and a <c>dotnet new blazor</c> app
/// (the reference, its interactive Counter page), each in its own process, N Chromium tabs open on one page each, a
/// gcdump of the server at 0, 25 and 50 tabs. A tab is a circuit; what the tabs add to the live heap, divided by their
/// number, is what one costs. BenchmarkDotNet cannot measure this: the cost is live memory in another process.
/// </summary>
internal static class CircuitHeapHarness
{
    private const string AdminName = "heap-admin";
    private const string AdminPassword = "circuit heap admin passphrase";
    private static readonly int[] Steps = [0, 25, 50];

    /// <summary>The first tab of each variant, kept after the run.</summary>
    private static readonly string ScreenshotDirectory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "circuit-heap-screenshots")).FullName; // and the heap reports

    /// <param name="args">"circuit-heap", then optionally the page's path (default "destinations"; "destinations/{id}" is
    /// Destination Details of a seeded destination with a finished test report, see <see cref="DetailsPath"/>) and any
    /// number of "--rev REV": commits of this repository, each published and measured in the same run (default: the
    /// working tree).</param>
    public static async Task<int> RunAsync(string[] args)
    {
        var revisions = args.Select((a, i) => a == "--rev" && i + 1 < args.Length ? args[i + 1] : null).OfType<string>().ToList();
        var pagePath = args.Skip(1).Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && args[i] != "--rev").FirstOrDefault() ?? "destinations";
        var work = Directory.CreateTempSubdirectory("circuit-heap-");
        Console.WriteLine($"Working in {work.FullName}");
        try
        {
            var variants = new List<(string Label, string Assembly)>();
            var reference = Path.Combine(work.FullName, "reference");
            await Shell.RunAsync("dotnet", ["new", "blazor", "-o", Path.Combine(work.FullName, "reference-src"), "-n", "HeapReference"]);
            await Shell.RunAsync("dotnet", ["publish", Path.Combine(work.FullName, "reference-src"), "-c", "Release", "-o", reference]);
            foreach (var revision in revisions)
            {
                var source = Directory.CreateDirectory(Path.Combine(work.FullName, $"src-{variants.Count}")).FullName;
                await Shell.RunAsync("/bin/sh", ["-c", $"git -C '{RepositoryPaths.Root}' archive '{revision}' | tar -x -C '{source}'"]);
                variants.Add(($"portal at {revision}", await PublishedPortal.PublishAsync(source, Path.Combine(work.FullName, $"portal-{variants.Count}"))));
            }

            if (revisions.Count == 0)
            {
                variants.Add(("portal (working tree)", await PublishedPortal.PublishAsync(RepositoryPaths.Root, Path.Combine(work.FullName, "portal"))));
            }

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await PublishedPortal.LaunchChromiumAsync(playwright);

            var results = new List<(string, IReadOnlyDictionary<int, long>)>
            {
                ("reference: dotnet new blazor, /counter", await MeasureAsync(browser, Path.Combine(reference, "HeapReference.dll"), null, "counter", "reference")),
            };
            foreach (var (label, assembly) in variants)
            {
                var data = Directory.CreateDirectory(Path.Combine(work.FullName, "data-" + results.Count)).FullName;
                results.Add(($"{label}, /{pagePath}", await MeasureAsync(browser, assembly, data, pagePath, "portal-" + results.Count)));
            }

            Console.WriteLine();
            Console.WriteLine($"Load (uptime): {await Shell.RunAsync("uptime", [])}");
            foreach (var (what, heap) in results)
            {
                Report(what, heap);
            }

            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static void Report(string what, IReadOnlyDictionary<int, long> heap)
    {
        var first = (heap[25] - heap[0]) / 25.0 / 1024;
        var second = (heap[50] - heap[25]) / 25.0 / 1024;
        var overall = (heap[50] - heap[0]) / 50.0 / 1024;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: heap {heap[0] / 1024} KB at 0 tabs, {heap[25] / 1024} KB at 25, {heap[50] / 1024} KB at 50; per tab {first:F0} KB (0->25), {second:F0} KB (25->50), {overall:F0} KB (0->50)"));
    }

    // data: the portal's data directory (it signs in and seeds 25 destinations), or null for the reference app.
    private static async Task<IReadOnlyDictionary<int, long>> MeasureAsync(
        IBrowser browser, string assembly, string? data, string path, string label)
    {
        var environment = data is null ? [] : PublishedPortal.Environment(data, AdminName, AdminPassword);
        await using var running = new ServerProcess(assembly, environment);
        var baseUrl = await running.StartAsync();
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl });
        var heap = new Dictionary<int, long>();
        var open = 0;
        foreach (var step in Steps)
        {
            for (; open < step; open++)
            {
                var page = await context.NewPageAsync();
                if (data is not null && open == 0)
                {
                    // After the app's own start-up migrated the store (each variant its own schema): rows only, through EF.
                    var unreachable = await SeedAsync(data, count: 25, unreachable: path.Contains("{id}", StringComparison.Ordinal));
                    path = path.Replace("{id}", unreachable.ToString(), StringComparison.Ordinal);
                    // The first tab signs in (static rendering) and is then one of the measured tabs.
                    await PublishedPortal.SignInAsync(page, AdminName, AdminPassword);
                }

                await page.GotoAsync(path);
                await WaitUntilInteractiveAsync(page, data is null, details: path.StartsWith(DetailsPath, StringComparison.Ordinal));
                if (open == 0)
                {
                    // To compare the variants by eye: the markup changed, the page must not look different.
                    await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, label + ".png"), FullPage = true, Animations = ScreenshotAnimations.Disabled });
                }
            }

            // The reports by type go beside the screenshots, to see where a tab's heap goes (the dumps are deleted).
            heap[step] = await GcDump.LiveHeapBytesAsync(running.ProcessId, Path.Combine(ScreenshotDirectory, $"{label}-{step}.gcdump"));
            Console.WriteLine($"{label}: {step} tabs, {heap[step] / 1024} KB live heap");
        }

        return heap;
    }

    /// <summary>
    /// Destination Details as the issue measures it: with a finished report. The test runs against a loopback port where
    /// nothing listens, so it ends at the TCP stage with a failed report (every stage row, the result, the facts and the
    /// history entry rendered), quickly and without a server to run.
    /// </summary>
    private const string DetailsPath = "destinations/";

    // Both pages show their content only once the circuit runs: the grid loads its rows from the circuit; the counter
    // counts a click only then (its button is already in the prerendered page).
    private static async Task WaitUntilInteractiveAsync(IPage page, bool reference, bool details)
    {
        if (details)
        {
            await page.Locator("[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
            await page.GetByRole(AriaRole.Button, new() { Name = "Test Connection", Exact = true }).ClickAsync();
            await page.Locator("[data-testid=test-result]").WaitForAsync(new() { Timeout = 60_000 });
            return;
        }

        if (reference)
        {
            var button = page.Locator("button.btn-primary");
            var status = page.Locator("p[role=status]");
            for (var attempt = 0; attempt < 600 && (await status.InnerTextAsync()).Contains("Current count: 0", StringComparison.Ordinal); attempt++)
            {
                if (attempt % 10 == 0)
                {
                    await button.ClickAsync();
                }

                await page.WaitForTimeoutAsync(100);
            }
        }
        else
        {
            await page.Locator("tbody tr.mud-table-row >> nth=24").WaitForAsync(new() { Timeout = 60_000 });
        }
    }

    // Rows as the grid shows them at their heaviest: a chip for a finished test, the no-password mark on some. Returns
    // the id of one more destination (when asked for), on a loopback port where nothing listens, for the Details page's test.
    private static async Task<Guid> SeedAsync(string dataDirectory, int count, bool unreachable)
    {
        await using var services = new ServiceCollection().AddBenchmarkPortal(dataDirectory).BuildServiceProvider();
        var factory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var now = DateTime.UtcNow;
        for (var i = 0; i < count; i++)
        {
            var destination = new Destination
            {
                Id = Guid.CreateVersion7(),
                CreatedAtUtc = now,
                CreatedBy = "seed",
                UpdatedAtUtc = now.AddMinutes(-i),
                UpdatedBy = "seed",
                Version = Guid.NewGuid(),
            };
            destination.Apply(new DestinationDefinition($"sales-{i:00}", PostgreSqlDestinationType.Id, $"pg-{i}.corp.local", TlsMode.VerifyFull,
                null, 5432, i % 2 == 0, "loader", $"db_{i}", null, 10, "postgres"));
            if (i % 3 != 2)
            {
                destination.RecordTest(i % 3 == 0 ? LastTestStatus.Passed : LastTestStatus.Failed, now.AddMinutes(-i));
            }

            db.Destinations.Add(destination);
        }

        if (!unreachable)
        {
            await db.SaveChangesAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            return Guid.Empty;
        }

        var details = new Destination
        {
            Id = Guid.CreateVersion7(),
            CreatedAtUtc = now,
            CreatedBy = "seed",
            UpdatedAtUtc = now,
            UpdatedBy = "seed",
            Version = Guid.NewGuid(),
        };
        details.Apply(new DestinationDefinition("unreachable", PostgreSqlDestinationType.Id, "127.0.0.1", TlsMode.Require,
            null, ClosedLoopbackPort(), false, "loader", "postgres", null, 10, "postgres"));
        db.Destinations.Add(details);
        await db.SaveChangesAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return details.Id;
    }

    // A port the system just handed out and took back: nothing listens there, so a connection is refused at once.
    private static int ClosedLoopbackPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
