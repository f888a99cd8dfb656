using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using static DestinationPortal.IntegrationTests.ConnectionTesting.TesterHarness;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

/// <summary>Advice follows what the run observed: TLS Mode is blamed only when the server was seen to offer TLS.</summary>
[Collection(PostgreSqlTestGroup.Name)]
public sealed class AdviceTests(PostgreSqlServers servers)
{
    [Theory]
    [InlineData(TestRoles.HostSslOnly, TlsMode.Prefer)]
    [InlineData(TestRoles.NoHbaEntry, TlsMode.Prefer)]
    [InlineData(TestRoles.HostSslOnly, TlsMode.Allow)]
    [InlineData(TestRoles.HostSslOnly, TlsMode.Disable)]
    public async Task RunAsync_NoHbaEntryOnServerWithoutTls_AdviceDoesNotBlameTlsMode(string user, TlsMode mode)
    {
        var events = await RunAsync(Destination(servers.NoTls.Port, user, mode), "unused-password-1");

        AssertFailed(events, ConnectionTestStage.Authentication, ConnectionTestCategory.Authentication, nameof(DestinationInput.Username));
        var explanation = Outcome(events).Explanation;
        Assert.DoesNotContain("hostssl", explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("Choose TLS Mode", explanation, StringComparison.Ordinal);
        Assert.Contains("offers no TLS", explanation, StringComparison.Ordinal);
        Assert.Contains("pg_hba.conf has no entry", explanation, StringComparison.Ordinal);
        Assert.Equal("no", Detail(Last(events, ConnectionTestStage.Authentication), "TLS offered by the server"));
    }

    [Fact]
    public async Task RunAsync_HostSslOnlyUserWithDisableOnTlsServer_StillBlamesTlsMode()
    {
        var events = await RunAsync(Destination(servers.Tls.Port, TestRoles.HostSslOnly, TlsMode.Disable), TestRoles.HostSslOnlyPassword);

        AssertFailed(events, ConnectionTestStage.Authentication, ConnectionTestCategory.Authentication, nameof(DestinationInput.TlsMode));
        Assert.Contains("hostssl", Outcome(events).Explanation, StringComparison.Ordinal);
        Assert.Equal("yes", Detail(Last(events, ConnectionTestStage.Authentication), "TLS offered by the server"));
    }
}
