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
/// acting user from <see cref="ICurrentUser"/> for the per-user concurrency cap.
/// </summary>
public sealed class ConnectionTester(
    IOptions<ConnectionTestingOptions> options,
    ConnectionTestGate gate,
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
        var run = new ConnectionTestRun(request, options.Value, gate, currentUser.Name, resolver, timeProvider, logger, channel.Writer);
        var execution = run.ExecuteAsync(stop.Token);
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
}
