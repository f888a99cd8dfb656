using System.Threading.Channels;
using DestinationPortal.Core.ConnectionTesting;

namespace DestinationPortal.Tests.Infrastructure;

/// <summary>
/// A connection tester the test drives by hand: every run waits for the events the test sends, so a component test can
/// check what is on screen between two stages. Like <see cref="ConnectionTester"/>, a cancelled run still ends with a
/// Cancelled result for a caller that keeps reading.
/// </summary>
public sealed class ScriptedConnectionTester : IConnectionTester
{
    private readonly Channel<ScriptedRun> _started = Channel.CreateUnbounded<ScriptedRun>();

    public IAsyncEnumerable<ConnectionTestEvent> RunAsync(ConnectionTestRequest request, CancellationToken cancellationToken = default)
    {
        var run = new ScriptedRun(request, cancellationToken);
        _started.Writer.TryWrite(run);
        return run.ReadAllAsync();
    }

    /// <summary>The next run someone started, in the order they started.</summary>
    public async Task<ScriptedRun> NextRunAsync()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _started.Reader.ReadAsync(limit.Token);
    }

    /// <summary>True when no run was started that <see cref="NextRunAsync"/> has not returned yet.</summary>
    public bool NoRunWaiting => _started.Reader.Count == 0;
}

public sealed class ScriptedRun
{
    private readonly Channel<ConnectionTestEvent> _events = Channel.CreateUnbounded<ConnectionTestEvent>();
    private readonly TaskCompletionSource _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ConnectionTestStage _stage = ConnectionTestStage.NameResolution;
    private long _elapsed;

    internal ScriptedRun(ConnectionTestRequest request, CancellationToken cancellationToken)
    {
        Request = request;
        CancellationToken = cancellationToken;
        cancellationToken.Register(() => _cancelled.TrySetResult());
    }

    /// <summary>What the caller asked to test, including the password it chose to send.</summary>
    public ConnectionTestRequest Request { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>Completes when the caller cancels the run; fails the test if that does not happen within 10 s.</summary>
    public Task WaitUntilCancelledAsync() => _cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));

    public void Send(ConnectionTestStage stage, ConnectionTestStatus status, string message, params ConnectionTestDetail[] details)
    {
        _stage = stage;
        _elapsed += 7;
        _events.Writer.TryWrite(new ConnectionTestEvent(Request.Id, stage, status, message, details, _elapsed));
    }

    /// <summary>Every stage running and then succeeding, then a successful result.</summary>
    public void SucceedAllStages()
    {
        foreach (var stage in new[] { ConnectionTestStage.NameResolution, ConnectionTestStage.TcpConnection, ConnectionTestStage.Tls, ConnectionTestStage.Authentication, ConnectionTestStage.Database })
        {
            Send(stage, ConnectionTestStatus.Running, $"{stage} running");
            Send(stage, ConnectionTestStatus.Succeeded, $"{stage} done");
        }

        Finish(new ConnectionTestOutcome(true, null, null, "The connection works.", null, null, _elapsed + 1));
    }

    public void Finish(ConnectionTestOutcome outcome)
    {
        _elapsed = Math.Max(_elapsed, outcome.TotalMilliseconds);
        var status = outcome.Succeeded ? ConnectionTestStatus.Succeeded : ConnectionTestStatus.Failed;
        _events.Writer.TryWrite(new ConnectionTestEvent(Request.Id, ConnectionTestStage.Result, status, outcome.Explanation, [], _elapsed, outcome));
        _events.Writer.TryComplete();
    }

    internal async IAsyncEnumerable<ConnectionTestEvent> ReadAllAsync()
    {
        while (true)
        {
            var (item, cancelled) = await ReadNextAsync();
            if (cancelled)
            {
                const string explanation = "The test was cancelled.";
                yield return new ConnectionTestEvent(Request.Id, ConnectionTestStage.Result, ConnectionTestStatus.Failed, explanation, [], _elapsed + 1,
                    new ConnectionTestOutcome(false, _stage, ConnectionTestCategory.Cancelled, explanation, null, null, _elapsed + 1));
                yield break;
            }

            if (item is null)
            {
                yield break;
            }

            yield return item;
        }
    }

    private async Task<(ConnectionTestEvent? Item, bool Cancelled)> ReadNextAsync()
    {
        try
        {
            return await _events.Reader.WaitToReadAsync(CancellationToken) && _events.Reader.TryRead(out var item) ? (item, false) : (null, false);
        }
        catch (OperationCanceledException)
        {
            return (null, true);
        }
    }
}
