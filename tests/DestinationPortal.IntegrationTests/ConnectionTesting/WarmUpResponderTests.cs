using DestinationPortal.Core.ConnectionTesting;
using Microsoft.Extensions.Logging.Abstractions;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

/// <summary>
/// The warm-up after a start runs one whole Test Connection against the portal's own loopback responder, so the first
/// test a person starts does not pay for the tester's and Npgsql's first run (issue 16). It must really get through every
/// stage: a warm-up that stopped at TLS or at the password would leave the rest cold without anyone noticing.
/// </summary>
public sealed class WarmUpResponderTests
{
    [Fact]
    public async Task TestAgainstOwnResponder_GetsThroughTlsTheRelayedLoginAndTheFirstQuery()
    {
        var verdict = await FirstUseWarmUp.TestAgainstOwnResponderAsync(TimeProvider.System, NullLogger.Instance, CancellationToken.None);

        // The responder refuses the first query with 42501: the one way a run can end in the Database stage with it.
        Assert.Equal(ConnectionTestStage.Database, verdict.Stage);
        Assert.Equal("42501", verdict.SqlState);
    }
}
