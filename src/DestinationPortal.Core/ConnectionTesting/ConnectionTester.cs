using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// Runs "Test Connection" and streams one event per stage step. The portal's callers depend on this rather than on
/// <see cref="ConnectionTester"/>, so the screens can be tested with a scripted run instead of a network.
/// </summary>
public interface IConnectionTester
{
    /// <summary>
    /// Streams the stages in order and always ends with a <see cref="ConnectionTestStage.Result"/> event, also on timeout
    /// and on cancellation (when the caller is still reading). Never throws for a failed test.
    /// Stopping the enumeration early cancels the run.
    /// </summary>
    IAsyncEnumerable<ConnectionTestEvent> RunAsync(ConnectionTestRequest request, CancellationToken cancellationToken = default);
}

/// <summary>
/// Runs "Test Connection" against a PostgreSQL destination and streams one event per stage step. Scoped: it reads the
/// acting user from <see cref="ICurrentUser"/> for the per-user concurrency cap. The operator's policy
/// (<see cref="ConnectionTestPolicy"/>) decides here whether a run starts at all; <see cref="ConnectionTestRun"/> does
/// the wire work of a run that was admitted.
/// </summary>
public sealed class ConnectionTester(
    IOptions<ConnectionTestingOptions> options,
    IConnectionTestGate gate,
    ICurrentUser currentUser,
    IHostNameResolver resolver,
    TimeProvider timeProvider,
    ILogger<ConnectionTester> logger) : IConnectionTester
{
    /// <inheritdoc />
    public async IAsyncEnumerable<ConnectionTestEvent> RunAsync(
        ConnectionTestRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var channel = Channel.CreateUnbounded<ConnectionTestEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The run's report is written once, in the language of whoever starts it (decision 32), and is persisted and
        // replayed as written; captured here, on the starter's flow, because the stages run on pool threads.
        var culture = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        var execution = ExecuteAsync(request, currentUser.Name, culture, new RunEvents(request.Id, timeProvider, channel.Writer), stop.Token);
        try
        {
            // The run always completes the channel, so this loop ends even when the caller's token fires.
            await foreach (var item in channel.Reader.ReadAllAsync(CancellationToken.None))
            {
                yield return item;
            }
        }
        finally
        {
            await stop.CancelAsync();
            await execution;
        }
    }

    private async Task ExecuteAsync(
        ConnectionTestRequest request, string user, (CultureInfo Formatting, CultureInfo Ui) culture, RunEvents events, CancellationToken stop)
    {
        // Yield first so RunAsync's reader is in place and the caller's thread is not held by the first stage.
        await Task.Yield();
        // Set explicitly rather than trusting the caller's flow: the culture set here flows to this run's continuations
        // only, whatever the reader's thread does meanwhile.
        CultureInfo.CurrentCulture = culture.Formatting;
        CultureInfo.CurrentUICulture = culture.Ui;
        events.Start();
        var policy = new ConnectionTestPolicy(options.Value, gate);
        Verdict verdict;
        try
        {
            var (refusal, lease) = await AdmitAsync(policy, request, user, stop);
            if (refusal is not null)
            {
                verdict = refusal;
            }
            else
            {
                // The slot is given back before the Result is announced, so whoever reads the Result can start the next run.
                await using (lease)
                {
                    var run = new ConnectionTestRun(request, policy.Network, policy.DeadlineMarginSeconds, resolver, events, timeProvider, logger);
                    verdict = await run.ExecuteAsync(stop);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Connection test {RunId} failed unexpectedly in stage {Stage}", request.Id, events.Stage);
            verdict = Verdict.Failure(events.Stage, ConnectionTestCategory.Configuration, Localization.ConnectionTestText.Localizer["Runner.UnexpectedError"], null);
        }
        catch (OperationCanceledException)
        {
            verdict = Verdict.Failure(events.Stage, ConnectionTestCategory.Cancelled, Localization.ConnectionTestText.Localizer["Runner.Cancelled"], null);
        }

        ResultStage.Report(events, verdict, request, user, logger);
    }

    // On a shared store admission is a round trip to the database: bounded by the run's own deadline, so a store that
    // does not answer ends the run as late as a destination that does not, and never later.
    private static async ValueTask<(Verdict? Refusal, IAsyncDisposable? Lease)> AdmitAsync(
        ConnectionTestPolicy policy, ConnectionTestRequest request, string user, CancellationToken stop)
    {
        var deadline = TimeSpan.FromSeconds(request.Destination.TimeoutSeconds + policy.DeadlineMarginSeconds);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(stop);
        limit.CancelAfter(deadline);
        try
        {
            return await policy.AdmitAsync(user, deadline, limit.Token);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            return (Verdict.Failure(null, ConnectionTestCategory.Busy,
                Localization.ConnectionTestText.Localizer["Busy.StoreSlow"], null), null);
        }
    }
}
