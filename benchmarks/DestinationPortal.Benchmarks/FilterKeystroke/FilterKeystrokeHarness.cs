using System.Globalization;
using System.Text.RegularExpressions;
using DestinationPortal.Benchmarks.Browser;
using DestinationPortal.Core.Persistence;
using DestinationPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace DestinationPortal.Benchmarks.FilterKeystroke;

/// <summary>
/// A filter keystroke on Manage Destinations at 10,000 destinations, measured in Chromium (issue 16): the published portal,
/// the grid's table watched from inside the page (<see cref="PageTiming"/>). The filter's debounce runs on the server
/// (MudBlazor's timer starts when the keystroke's event arrives), so the time after it is counted from the WebSocket frame
/// that carried the keystroke plus the debounce read from ManageDestinations.razor, to the table's last change.
/// References in the same page and run: a keystroke on a filter that matches nothing (the same scan of every row, the same
/// debounce and round trip, one line of text rendered instead of 25 rows), and a page of 25 rows without a filter
/// change (next and previous page: the round trip and the 25 rows, no scan). Then each column's sort, three clicks each.
/// </summary>
internal static partial class FilterKeystrokeHarness
{
    private const string AdminName = "filter-admin";
    private const string AdminPassword = "filter keystroke admin passphrase";
    private const int WarmUp = 4;

    /// <param name="args">"filter-keystroke", then optionally "--rows N" (default 10,000), "--samples N" (keystrokes per
    /// case, default 20), "--sort-rounds N" (default 3) and any number of "--rev REV": commits of this repository, each
    /// published and measured in the same run (default: the working tree).</param>
    public static async Task<int> RunAsync(string[] args)
    {
        var rows = IntOption(args, "--rows", 10_000);
        var samples = IntOption(args, "--samples", 20);
        var sortRounds = IntOption(args, "--sort-rounds", 3);
        var revisions = args.Select((a, i) => a == "--rev" && i + 1 < args.Length ? args[i + 1] : null).OfType<string>().ToList();
        var work = Directory.CreateTempSubdirectory("filter-keystroke-");
        Console.WriteLine($"Working in {work.FullName}");
        try
        {
            var variants = new List<(string Label, string Source, string Assembly)>();
            foreach (var revision in revisions)
            {
                var source = Directory.CreateDirectory(Path.Combine(work.FullName, $"src-{variants.Count}")).FullName;
                await Shell.RunAsync("/bin/sh", ["-c", $"git -C '{RepositoryPaths.Root}' archive '{revision}' | tar -x -C '{source}'"]);
                variants.Add(($"portal at {revision}", source, await PublishedPortal.PublishAsync(source, Path.Combine(work.FullName, $"portal-{variants.Count}"))));
            }

            if (revisions.Count == 0)
            {
                variants.Add(("portal (working tree)", RepositoryPaths.Root, await PublishedPortal.PublishAsync(RepositoryPaths.Root, Path.Combine(work.FullName, "portal"))));
            }

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await PublishedPortal.LaunchChromiumAsync(playwright);
            var reports = new List<string>();
            foreach (var (label, source, assembly) in variants)
            {
                var data = Directory.CreateDirectory(Path.Combine(work.FullName, "data-" + reports.Count)).FullName;
                reports.Add(await MeasureAsync(browser, label, assembly, data, DebounceOf(source), rows, samples, sortRounds));
                Console.WriteLine(reports[^1]);
            }

            Console.WriteLine();
            Console.WriteLine($"nproc: {Environment.ProcessorCount}; load (uptime): {await Shell.RunAsync("uptime", [])}");
            reports.ForEach(Console.WriteLine);
            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<string> MeasureAsync(IBrowser browser, string label, string assembly, string data, int debounce, int rows, int samples, int sortRounds)
    {
        await using var running = new ServerProcess(assembly, PublishedPortal.Environment(data, AdminName, AdminPassword));
        var baseUrl = await running.StartAsync();
        // After the app's own start-up migrated the store: rows only, through EF, as the server-side benchmarks seed them.
        await using (var services = new ServiceCollection().AddBenchmarkPortal(data).BuildServiceProvider())
        {
            await SeededDestinations.AddAsync(services.GetRequiredService<IDbContextFactory<PortalDbContext>>(), rows);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, Locale = "en-US" });
        await context.AddInitScriptAsync(PageTiming.InitScript);
        var page = await context.NewPageAsync();
        await PublishedPortal.SignInAsync(page, AdminName, AdminPassword);
        await page.GotoAsync("destinations");
        await page.Locator("tbody tr.mud-table-row >> nth=24").WaitForAsync(new() { Timeout = 60_000 });
        var timing = new PageTiming(page);
        var loadBefore = await Shell.RunAsync("uptime", []);
        var filter = page.Locator(".destinations-grid .mud-table-toolbar input");

        // Typed on "-4": a digit narrows it ("-41" ...), Backspace widens it again; every row is scanned either way and
        // the first page changes each time.
        var keystrokes = await KeystrokesAsync(timing, filter, start: "-4", "1234567890", WarmUp + samples, rowsMustChange: true);
        // "zzz" is in no name, server or database: the same scan, and only the "no match" line (it names the filter) changes.
        var noMatch = await KeystrokesAsync(timing, filter, start: "zzz", "z", WarmUp + samples, rowsMustChange: false);

        await TimeAsync(timing, () => filter.FillAsync(""));
        var paging = new List<Sample>();
        for (var i = 0; i < WarmUp + samples; i++)
        {
            var name = i % 2 == 0 ? "Next page" : "Previous page";
            paging.Add(await TimeAsync(timing, () => page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true }).ClickAsync()));
        }

        // Ascending, descending, then the default order again, for each column.
        var sorts = new Dictionary<string, List<Sample>>();
        var headers = page.Locator(".destinations-grid thead th");
        var columns = await headers.CountAsync() - 1;
        for (var round = 0; round < sortRounds; round++)
        {
            for (var column = 0; column < columns; column++)
            {
                var title = (await headers.Nth(column).InnerTextAsync()).Trim();
                foreach (var direction in new[] { "ascending", "descending", "default" })
                {
                    var sample = await TimeAsync(timing, () => headers.Nth(column).Locator("button").ClickAsync());
                    sorts.TryAdd($"{title}, {direction}", []);
                    sorts[$"{title}, {direction}"].Add(sample);
                }
            }
        }

        var report = new System.Text.StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"### {label}: {rows:N0} destinations, debounce {debounce} ms (ManageDestinations.razor), {samples} samples after {WarmUp} warm-up");
        report.AppendLine(CultureInfo.InvariantCulture, $"Load (uptime) before: {loadBefore}; after: {await Shell.RunAsync("uptime", [])}");
        report.AppendLine("| What | n | median | p90 | min | max |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|");
        var kept = keystrokes.Skip(WarmUp).ToList();
        var nothing = noMatch.Skip(WarmUp).ToList();
        Row(report, "**Filter keystroke, 25 rows change: table updated, after the debounce** (event's frame sent + debounce -> last change)", kept.Select(s => s.Updated - s.EventSent - debounce));
        Row(report, "Filter keystroke, 25 rows change: painted, after the debounce", kept.Select(s => s.Painted - s.EventSent - debounce));
        Row(report, "Filter keystroke, 25 rows change: server and wire after the debounce (-> render batch received)", kept.Select(s => s.BatchReceived - s.EventSent - debounce));
        Row(report, "Filter keystroke, 25 rows change: browser applying the batch", kept.Select(s => s.Updated - s.BatchReceived));
        Row(report, "Filter keystroke, 25 rows change: WebSocket frames received after the debounce until the update (count)", kept.Select(s => (double)s.Received.Count(t => t > s.EventSent + debounce && t <= s.Updated)), unit: "");
        Row(report, "Filter keystroke, 25 rows change: keydown -> table updated, debounce included", kept.Select(s => s.Updated - s.Input));
        Row(report, "Reference: keystroke on a filter that matches nothing: table updated, after the debounce", nothing.Select(s => s.Updated - s.EventSent - debounce));
        Row(report, "Reference: keystroke on a filter that matches nothing: server and wire after the debounce", nothing.Select(s => s.BatchReceived - s.EventSent - debounce));
        Row(report, "Reference: keystroke on a filter that matches nothing: painted, after the debounce", nothing.Select(s => s.Painted - s.EventSent - debounce));
        var pages = paging.Skip(WarmUp).ToList();
        Row(report, "Reference: next/previous page, 25 rows, no filter change: click -> table updated", pages.Select(s => s.Updated - s.Input));
        Row(report, "Reference: next/previous page: server and wire (click's frame sent -> render batch received)", pages.Select(s => s.BatchReceived - s.EventSent));
        Row(report, "Reference: next/previous page: browser applying the batch", pages.Select(s => s.Updated - s.BatchReceived));
        Row(report, "Reference: next/previous page: click -> painted", pages.Select(s => s.Painted - s.Input));
        foreach (var (sort, taken) in sorts)
        {
            Row(report, $"Sort by {sort}: click -> table updated{(taken.All(s => s.RowsChanged) ? "" : " (rows unchanged)")}", taken.Select(s => s.Updated - s.Input));
        }

        return report.ToString();
    }

    // Types the characters one by one after start, each followed by Backspace: every keystroke is a sample.
    private static async Task<List<Sample>> KeystrokesAsync(PageTiming timing, ILocator filter, string start, string characters, int count, bool rowsMustChange)
    {
        await TimeAsync(timing, () => filter.FillAsync(start));
        var taken = new List<Sample>();
        for (var i = 0; i < count; i++)
        {
            var typed = i % 2 == 0;
            var key = typed ? characters[i / 2 % characters.Length].ToString() : "Backspace";
            var sample = await TimeAsync(timing, () => filter.PressAsync(key));
            var expected = typed ? start + key : start;
            if (await filter.InputValueAsync() != expected || (rowsMustChange && !sample.RowsChanged))
            {
                throw new InvalidOperationException($"Keystroke {key} on \"{start}\": the filter reads \"{await filter.InputValueAsync()}\", rows changed: {sample.RowsChanged}.");
            }

            taken.Add(sample);
        }

        return taken;
    }

    private static async Task<Sample> TimeAsync(PageTiming timing, Func<Task> action)
    {
        await timing.ArmAsync();
        await action();
        return await timing.SettledAsync();
    }

    private static void Row(System.Text.StringBuilder report, string what, IEnumerable<double> values, string unit = " ms")
    {
        var sorted = values.Order().ToArray();
        var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        var p90 = sorted[(int)Math.Ceiling(0.9 * sorted.Length) - 1];
        report.AppendLine(CultureInfo.InvariantCulture, $"| {what} | {sorted.Length} | {median:F1}{unit} | {p90:F1}{unit} | {sorted[0]:F1}{unit} | {sorted[^1]:F1}{unit} |");
    }

    // The filter's debounce as the measured source sets it, not as this harness assumes it.
    private static int DebounceOf(string source)
    {
        var razor = File.ReadAllText(Path.Combine(source, "src", "DestinationPortal.Web", "Components", "Destinations", "ManageDestinations.razor"));
        var match = Debounce().Match(razor);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException("ManageDestinations.razor sets no DebounceInterval=\"N\".");
    }

    [GeneratedRegex("DebounceInterval=\"(\\d+)\"")]
    private static partial Regex Debounce();

    private static int IntOption(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
