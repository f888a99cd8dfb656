using System.Threading.Channels;
using DestinationPortal.Core.Localization;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// The one way a run's text leaves it: every message and detail is bounded and cleaned here (<see cref="ReportText"/>),
/// and the run's events together stay under <see cref="ReportText.MaxReportLength"/>. Once the budget is spent, later
/// steps keep their status and a short message but lose their details; the Result event is always sent, and is the last.
/// </summary>
/// <remarks>
/// It also knows which stage the run is in, and whether it waits on the KDC: the one thing that cannot be a stage's
/// result, because a run abandoned at the deadline or by the caller is reported in the stage it was abandoned in.
/// </remarks>
internal sealed class RunEvents(Guid runId, TimeProvider time, ChannelWriter<ConnectionTestEvent> writer)
{
    private readonly Lock _lock = new();
    private long _start;
    private bool _ended;

    // What the events other than Result may still add; the reserve keeps room for the Result and for the short
    // messages of steps reported after the budget ran out.
    private int _budget = ReportText.MaxReportLength - (16 * 1024);

    public ConnectionTestStage Stage { get; private set; } = ConnectionTestStage.NameResolution;

    /// <summary>True while the run waits for the Kerberos KDC, so a timeout there blames the KDC and not the server.</summary>
    public bool AwaitingKdc { get; set; }

    /// <summary>True once any step reported a warning: a run that succeeds then ends with Warning.</summary>
    public bool Warned { get; private set; }

    public long ElapsedMilliseconds => (long)time.GetElapsedTime(_start).TotalMilliseconds;

    public void Start() => _start = time.GetTimestamp();

    public void Enter(ConnectionTestStage stage) => Stage = stage;

    public void Emit(ConnectionTestStatus status, string message, IReadOnlyList<ConnectionTestDetail> details) => Emit(Stage, status, message, details);

    public void Emit(ConnectionTestStage stage, ConnectionTestStatus status, string message, IReadOnlyList<ConnectionTestDetail> details, ConnectionTestOutcome? outcome = null)
    {
        lock (_lock)
        {
            // A stage abandoned at the deadline may still try to report; the run has ended.
            if (_ended)
            {
                return;
            }

            _ended = outcome is not null;
            Warned |= status == ConnectionTestStatus.Warning;
            var text = ReportText.Bound(message, ReportText.MaxMessageLength);
            // Copied: callers keep adding to their lists, and an event must not change after it was sent.
            List<ConnectionTestDetail> bounded = [.. details.Select(d => new ConnectionTestDetail(ReportText.Bound(d.Label, 128), ReportText.Bound(d.Value)))];
            var size = text.Length + bounded.Sum(d => d.Label.Length + d.Value.Length);
            if (outcome is null && size > _budget)
            {
                text = ReportText.Bound(text, 256);
                bounded = [new(ConnectionTestText.Localizer["Report.SizeLimit.Label"], ConnectionTestText.Localizer["Report.SizeLimit.Note"])];
                size = text.Length + bounded.Sum(d => d.Label.Length + d.Value.Length);
            }

            _budget -= size;
            writer.TryWrite(new ConnectionTestEvent(runId, stage, status, text, bounded, ElapsedMilliseconds, outcome));
        }
    }

    public void Complete() => writer.TryComplete();
}
