using System.Globalization;
using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace DestinationPortal.EndToEndTests.Infrastructure;

/// <summary>
/// axe-core over the screens a journey walks through. Each scan records the serious and critical WCAG 2.x A/AA
/// violations it finds; <see cref="AssertClean"/> fails once at the end with every finding, so one run lists all there
/// is to fix (rule, impact, where, the element and axe's own summary) instead of stopping at the first page.
/// Nothing is excluded: a rule that must not apply somewhere is for the page to fix, not for this class to hide.
/// </summary>
public sealed class AxeAudit
{
    // The issue asks for a main landmark on every page and a name on every dialog. axe files both rules under
    // best-practice (and rates a missing main "moderate"), so the WCAG tags alone would skip them: they are switched
    // on by name and fail at any impact.
    private static readonly HashSet<string> Required = ["landmark-one-main", "aria-dialog-name"];

    private static readonly AxeRunOptions Options = new()
    {
        // WCAG 2.0, 2.1 and 2.2 at levels A and AA; axe has no wcag22a tag of its own rules.
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
        Rules = Required.ToDictionary(rule => rule, _ => new RuleOptions { Enabled = true }),
        ResultTypes = [ResultType.Violations],
    };

    private static readonly HashSet<string> Failing = ["serious", "critical"];

    // One finding per rule and element, with every screen it was seen on.
    private readonly Dictionary<(string Rule, string Target), Finding> _findings = [];
    private readonly List<string> _screens = [];

    /// <summary>The screens scanned so far, in order.</summary>
    public IReadOnlyList<string> Screens => _screens;

    /// <summary>
    /// Scans the page as it is now. Call it once what <paramref name="screen"/> names is on screen (an Expect first):
    /// axe reads the DOM at that moment. Running CSS animations (a dialog fading in) are waited for, since a
    /// half-transparent element fails contrast it has once shown.
    /// </summary>
    public async Task ScanAsync(IPage page, string screen)
    {
        await page.EvaluateAsync("""
            () => Promise.all(document.getAnimations()
              .filter(a => a.effect?.getComputedTiming().iterations !== Infinity)
              .map(a => a.finished.catch(() => null)))
            """);
        // page.RunAxe finishes every run in a new tab of its own (made for pages with iframes, which the portal has
        // none of); axe run in place on the document measured three to four times faster here (about 1-2 s a screen
        // instead of 5-8 s on the two-core build machine). The library marks this mode obsolete: if it goes, call
        // page.RunAxe(Options) instead, nothing else changes.
#pragma warning disable CS0618
        var results = await page.Locator("html").RunAxeLegacy(Options);
#pragma warning restore CS0618
        _screens.Add(screen);
        foreach (var violation in results.Violations.Where(v => Required.Contains(v.Id) || (v.Impact is not null && Failing.Contains(v.Impact))))
        {
            foreach (var node in violation.Nodes)
            {
                var target = node.Target?.ToString() ?? "(no selector)";
                if (!_findings.TryGetValue((violation.Id, target), out var finding))
                {
                    finding = new Finding(violation.Id, violation.Impact ?? "required", violation.Help, target, node.Html, Summary(node));
                    _findings.Add((violation.Id, target), finding);
                }

                finding.Screens.Add(screen);
            }
        }
    }

    /// <summary>Fails with every serious or critical finding, grouped by rule.</summary>
    public void AssertClean()
    {
        Assert.True(_screens.Count > 0, "No screen was scanned; the audit would prove nothing.");
        if (_findings.Count == 0)
        {
            return;
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"axe found {_findings.Count} serious or critical violation(s) on {_screens.Count} screen(s) scanned:");
        foreach (var rule in _findings.Values.GroupBy(f => (f.Rule, f.Impact, f.Help)).OrderBy(g => g.Key.Rule, StringComparer.Ordinal))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"- {rule.Key.Rule} ({rule.Key.Impact}): {rule.Key.Help}, {rule.Count()} element(s)");
            foreach (var finding in rule)
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"    at {finding.Target} on {string.Join("; ", finding.Screens.Distinct())}");
                report.AppendLine(CultureInfo.InvariantCulture, $"      {Shorten(finding.Html)}");
                report.AppendLine(CultureInfo.InvariantCulture, $"      {finding.Summary?.ReplaceLineEndings(" ")}");
            }
        }

        Assert.Fail(report.ToString());
    }

    // What axe says is wrong with the element: the failed checks' messages, e.g. "insufficient color contrast of 2.2".
    private static string Summary(AxeResultNode node) =>
        string.Join(" | ", (node.Any ?? []).Concat(node.All ?? []).Concat(node.None ?? []).Select(c => c.Message).Where(m => !string.IsNullOrEmpty(m)));

    private static string Shorten(string? html) => html is { Length: > 200 } ? html[..200] + "…" : html ?? "";

    private sealed record Finding(string Rule, string Impact, string? Help, string Target, string? Html, string? Summary)
    {
        public List<string> Screens { get; } = [];
    }
}
