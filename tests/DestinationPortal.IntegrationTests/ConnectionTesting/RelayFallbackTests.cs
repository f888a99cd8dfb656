using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using DestinationPortal.IntegrationTests.Kerberos;
using static DestinationPortal.IntegrationTests.ConnectionTesting.TesterHarness;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

/// <summary>
/// The relayed login (decision 59) needs a Unix socket in a fresh temp directory. Where the portal cannot create one (a
/// read-only container without a writable temp path), a test must still work: the login then runs on its own connection,
/// as before the relay. The temp path is process-wide, so the run is in a child process of its own.
/// </summary>
[Collection(PostgreSqlTestGroup.Name)]
public sealed class RelayFallbackTests(PostgreSqlServers servers)
{
    [Fact]
    public async Task RunAsync_NoWritableTempDirectory_LogsInOnItsOwnConnectionAndSucceeds()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"dp-no-such-dir-{Guid.NewGuid():N}");

        var run = await ConnectionTestProcess.RunAsync(
            Destination(servers.Tls.Port, TestRoles.Scram, TlsMode.Require), TestRoles.ScramPassword, new Dictionary<string, string> { ["TMPDIR"] = missing });

        AssertSucceeded(run.Events);
        // The sequential login speaks TLS itself, so it binds to the channel: -PLUS, where the relayed login says plain SCRAM.
        var authentication = Last(run.Events, ConnectionTestStage.Authentication);
        Assert.True(Detail(authentication, "Method requested by the server") == "SCRAM-SHA-256-PLUS", run.Report);
        Assert.DoesNotContain(authentication.Details, d => d.Label == "Channel binding");
    }
}
