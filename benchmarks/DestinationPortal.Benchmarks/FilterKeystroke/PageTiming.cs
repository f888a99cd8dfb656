using System.Text.Json;
using Microsoft.Playwright;

namespace DestinationPortal.Benchmarks.FilterKeystroke;

/// <summary>
/// Times taken inside the page (<c>performance.now()</c>, one clock for the browser's events, its WebSocket frames and the
/// table's DOM): a script added before the portal's own wraps the WebSocket Blazor's circuit talks through, so each frame
/// sent or received is timed, and a MutationObserver on the grid's table, started before the action, times its changes.
/// </summary>
internal sealed class PageTiming(IPage page)
{
    // Added to the context before any page loads, so blazor.web.js opens its circuit through the wrapped WebSocket.
    public const string InitScript = """
        (() => {
          const sent = [], received = [];
          const Native = window.WebSocket;
          window.WebSocket = class extends Native {
            constructor(...args) {
              super(...args);
              this.addEventListener('message', () => received.push(performance.now()));
            }
            send(data) {
              sent.push(performance.now());
              return super.send(data);
            }
          };
          let start = 0, input = null, before = '', mutations = [], painted = null, observer = null;
          // The event's own time stamp: when the browser created the keystroke or the click (input: a Fill, which has neither).
          for (const type of ['keydown', 'click', 'input']) {
            document.addEventListener(type, e => { if (input === null && e.timeStamp >= start) input = e.timeStamp; }, true);
          }
          const rows = () => document.querySelector('.destinations-grid tbody')?.textContent ?? '';
          window.__timing = {
            arm() {
              observer?.disconnect();
              start = performance.now();
              input = null;
              before = rows();
              mutations = [];
              painted = null;
              observer = new MutationObserver(() => {
                const at = performance.now();
                mutations.push(at);
                painted = null;
                // A task queued from the next animation frame runs once that frame, the one showing the change, is painted.
                requestAnimationFrame(() => setTimeout(() => { if (mutations[mutations.length - 1] === at) painted = performance.now(); }));
              });
              observer.observe(document.querySelector('.destinations-grid table'), { childList: true, subtree: true, characterData: true, attributes: true });
            },
            // Resolves once the table changed, its progress bar is gone and nothing changed in it for quietMs.
            settled(quietMs, timeoutMs) {
              return new Promise(resolve => {
                const check = () => {
                  const now = performance.now();
                  const last = mutations.length ? mutations[mutations.length - 1] : null;
                  const done = last !== null && painted !== null && now - last >= quietMs
                    && !document.querySelector('.destinations-grid .mud-table-loading');
                  if (!done && now - start < timeoutMs) {
                    setTimeout(check, 10);
                    return;
                  }
                  observer.disconnect();
                  resolve({
                    input, last, painted,
                    first: mutations.length ? mutations[0] : null,
                    sent: sent.filter(t => t >= start),
                    received: received.filter(t => t >= start),
                    rowsChanged: rows() !== before,
                  });
                };
                check();
              });
            },
          };
        })();
        """;

    /// <summary>Starts watching the table; the action to time comes next.</summary>
    public Task ArmAsync() => page.EvaluateAsync("() => window.__timing.arm()");

    /// <summary>Waits for the table to settle after the action and returns what the page timed.</summary>
    public async Task<Sample> SettledAsync()
    {
        var result = await page.EvaluateAsync<JsonElement>("() => window.__timing.settled(300, 15000)");
        double? Time(string name) => result.GetProperty(name).ValueKind == JsonValueKind.Number ? result.GetProperty(name).GetDouble() : null;
        double[] Times(string name) => [.. result.GetProperty(name).EnumerateArray().Select(t => t.GetDouble())];
        var input = Time("input") ?? throw new InvalidOperationException("The page saw no keystroke or click.");
        var last = Time("last") ?? throw new InvalidOperationException("The table did not change within 15 s.");
        return new Sample(input, last, Time("painted") ?? last, Times("sent"), Times("received"), result.GetProperty("rowsChanged").GetBoolean());
    }
}

/// <summary>One action's times in the page, in milliseconds since its time origin.</summary>
/// <param name="Input">The keystroke's or click's event.</param>
/// <param name="Updated">The table's last change (rows, progress bar, headers) for the action.</param>
/// <param name="Painted">A task queued from the animation frame after that change: the frame showing it is painted.</param>
/// <param name="Sent">WebSocket frames sent from the arming on.</param>
/// <param name="Received">WebSocket frames received from the arming on.</param>
/// <param name="RowsChanged">The table body's text differs from before the action.</param>
internal sealed record Sample(double Input, double Updated, double Painted, double[] Sent, double[] Received, bool RowsChanged)
{
    /// <summary>The frame that carried the event to the circuit: the first sent at or after it.</summary>
    public double EventSent => Sent.FirstOrDefault(t => t >= Input, double.NaN);

    /// <summary>The last frame received before the table's last change: the render batch that made it.</summary>
    public double BatchReceived => Received.LastOrDefault(t => t <= Updated, double.NaN);
}
