using DestinationPortal.Core.ConnectionTesting;
using Microsoft.Extensions.Logging.Abstractions;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

/// <summary>
/// The warm-up after a start runs one whole Test Connection against the portal's own loopback responder, so the first
/// test a person starts does not pay for the tester's and Npgsql's first run (issue 16). It must really get through every
/// stage to a success: a warm-up that stopped at TLS, at the password or at the first query would leave the rest cold
/// without anyone noticing.
/// </summary>
public sealed class WarmUpResponderTests
{
    [Fact]
    public async Task TestAgainstOwnResponder_SucceedsThroughTlsScramAndTheDatabaseChecks()
    {
        var verdict = await FirstUseWarmUp.TestAgainstOwnResponderAsync(TimeProvider.System, NullLogger.Instance, CancellationToken.None);

        Assert.True(verdict.Succeeded, $"{verdict.Stage}: {verdict.Explanation}");
        Assert.Null(verdict.Stage);
        // The summary names the method the login used: SCRAM, not a cleartext password.
        Assert.Contains("SCRAM-SHA-256", verdict.Explanation);
    }

    [Fact]
    public async Task Responder_AnotherPassword_RefusedInTheAuthenticationStage()
    {
        // The responder checks SCRAM's client proof: it is a PostgreSQL-like server, not a door open to any login.
        await using var responder = WarmUpResponder.Start("warm-up");

        var verdict = await FirstUseWarmUp.TestAgainstAsync(responder, "not the password", TimeProvider.System, NullLogger.Instance, CancellationToken.None);

        Assert.False(verdict.Succeeded);
        Assert.Equal(ConnectionTestStage.Authentication, verdict.Stage);
        Assert.Equal("28P01", verdict.SqlState);
    }
}
