using DestinationPortal.Core.Localization;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// The operator's rules for Test Connection (<see cref="ConnectionTestingOptions"/>): whether tests run at all, how many
/// at once, and which networks and ports they may reach. Applied by <see cref="ConnectionTester"/> before a run starts,
/// and to the resolved addresses before any socket opens; the stages that do the wire work never see the options.
/// </summary>
internal sealed class ConnectionTestPolicy(ConnectionTestingOptions options, IConnectionTestGate gate)
{
    public NetworkPolicy Network { get; } = new(options);

    /// <summary>Added to the destination's own timeout to form the hard deadline of the whole run.</summary>
    public int DeadlineMarginSeconds => options.DeadlineMarginSeconds;

    /// <summary>
    /// A null refusal when the run may start, with the lease on a concurrency slot to hold until it ends; else the verdict
    /// that refuses it, with no lease. <paramref name="deadline"/> is the run's own: a lease is held no longer.
    /// </summary>
    public async ValueTask<(Verdict? Refusal, IAsyncDisposable? Lease)> AdmitAsync(string user, TimeSpan deadline, CancellationToken cancellationToken)
    {
        if (options.Mode != ConnectionTestingMode.Enabled)
        {
            return (Verdict.Failure(null, ConnectionTestCategory.RefusedByPolicy, ConnectionTestText.Localizer["Policy.Disabled"], null), null);
        }

        var lease = await gate.TryEnterAsync(user, options.MaxConcurrentTests, options.MaxConcurrentTestsPerUser, deadline, cancellationToken);
        return lease is null
            ? (Verdict.Failure(null, ConnectionTestCategory.Busy,
                ConnectionTestText.Localizer["Busy.TooMany", options.MaxConcurrentTestsPerUser, options.MaxConcurrentTests], null), null)
            : (null, lease);
    }
}
