using System.Text.Json;
using Microsoft.Playwright;

namespace DestinationPortal.EndToEndTests.Infrastructure;

/// <summary>One stage row of the Test Connection panel as it was on screen.</summary>
public sealed record StageView(string Stage, string Status, string Text);

/// <summary>What the Test Connection panel showed at one moment: its stage rows and, once there, the result.</summary>
public sealed record ReportSnapshot(IReadOnlyList<StageView> Stages, string? Result)
{
    public StageView? Stage(string stage) => Stages.FirstOrDefault(s => s.Stage == stage);
}

/// <summary>The Test Connection panel on Destination Details.</summary>
public static class TestReport
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static readonly string[] StageOrder = ["NameResolution", "TcpConnection", "Tls", "Authentication", "Database"];

    public static ILocator Panel(IPage page) => page.GetByTestId("test-report");

    public static ILocator Result(IPage page) => page.GetByTestId("test-result");

    /// <summary>A stage row, by the stage's name in the markup (NameResolution, TcpConnection, Tls, Authentication, Database).</summary>
    public static ILocator Stage(IPage page, string stage) => Panel(page).Locator($".test-stage[data-stage='{stage}']");

    /// <summary>
    /// Starts recording, inside the page, what the panel goes through. A MutationObserver sees every change the
    /// circuit applies, in order, so the test reads what a person could have seen without racing the page:
    /// <see cref="RecordedChangesAsync"/> lists row insertions and status changes one by one (several render batches
    /// can arrive in one WebSocket frame and reach the observer together, but their records stay in order), and
    /// <see cref="RecordedSnapshotsAsync"/> lists the panel's text each time the observer ran.
    /// </summary>
    public static Task RecordAsync(IPage page) => page.EvaluateAsync("""
        () => {
          const changes = [];
          const batches = [];
          const snapshots = [];
          const logged = new WeakSet();
          window.__testReport = { changes, batches, snapshots };
          const note = text => { changes.push(text); batches.push(snapshots.length); };
          const isRow = n => n.matches('.test-stage');
          const isResult = n => n.matches('[data-testid="test-result"]');
          const log = (node, text) => { if (!logged.has(node)) { logged.add(node); note(text); } };
          new MutationObserver(records => {
            // Nodes the circuit inserted one by one are logged at their own record; nodes that came inside a
            // bigger insertion are logged at that insertion.
            const direct = new Set(records.flatMap(r => [...r.addedNodes]));
            for (const r of records) {
              if (r.type === 'childList') {
                for (const n of r.addedNodes) {
                  if (n.nodeType !== Node.ELEMENT_NODE) continue;
                  for (const e of [n, ...n.querySelectorAll('.test-stage, [data-testid="test-result"]')]) {
                    if (e !== n && direct.has(e)) continue;
                    if (isRow(e)) log(e, 'added ' + e.dataset.stage);
                    else if (isResult(e)) log(e, 'result');
                  }
                }
              } else if (r.type === 'attributes' && r.attributeName === 'data-status' && isRow(r.target)) {
                note('left ' + r.oldValue + ' ' + r.target.dataset.stage);
              }
            }

            const stages = [...document.querySelectorAll('[data-testid="test-report"] .test-stage')]
              .map(e => ({ stage: e.dataset.stage, status: e.dataset.status, text: e.innerText }));
            const result = document.querySelector('[data-testid="test-result"]');
            snapshots.push({ stages, result: result ? result.innerText : null });
          }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeOldValue: true, characterData: true });
        }
        """);

    /// <summary>"added Tls", "left Running Tls", "result", … in the order the page applied them.</summary>
    public static Task<string[]> RecordedChangesAsync(IPage page) => page.EvaluateAsync<string[]>("() => window.__testReport.changes");

    /// <summary>
    /// For each of <see cref="RecordedChangesAsync"/>'s changes, the observer call that saw it (0, 1, …): changes seen in
    /// one call reached the page in one frame, so nobody could have seen one without the other.
    /// </summary>
    public static Task<int[]> RecordedBatchesAsync(IPage page) => page.EvaluateAsync<int[]>("() => window.__testReport.batches");

    public static async Task<IReadOnlyList<ReportSnapshot>> RecordedSnapshotsAsync(IPage page)
    {
        var json = await page.EvaluateAsync<string>("() => JSON.stringify(window.__testReport.snapshots)");
        return JsonSerializer.Deserialize<List<ReportSnapshot>>(json, Json)!;
    }
}
