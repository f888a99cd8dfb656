using System.Net;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using static DestinationPortal.IntegrationTests.ConnectionTesting.TesterHarness;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

/// <summary>
/// A destination whose Server Name has an umlaut, against real PostgreSQL on loopback. The name is resolved in its
/// A-label form (the fake resolver knows only that form, as DNS would), the certificate's dNSName holds the A-label form
/// and Verify Full passes, and the report names both forms so the name actually used is visible.
/// </summary>
[Collection(PostgreSqlTestGroup.Name)]
public sealed class InternationalisedHostTests(PostgreSqlServers servers)
{
    private static FakeHostNameResolver Resolver(IPAddress address) =>
        new(new Dictionary<string, IPAddress[]> { [TestCertificates.IdnServerAsciiName] = [address] });

    [Fact]
    public async Task RunAsync_VerifyFullToAnUmlautName_ResolvesAndChecksTheALabelAndReportsBothForms()
    {
        var destination = Destination(servers.Tls.Port, TestRoles.Scram, TlsMode.VerifyFull, server: TestCertificates.IdnServerName,
            caPem: servers.Certificates.Ca.CertificatePem);

        var events = await RunAsync(destination, TestRoles.ScramPassword, CreateTester(resolver: Resolver(IPAddress.Loopback)));

        AssertSucceeded(events);
        var both = $"{TestCertificates.IdnServerName} ({TestCertificates.IdnServerAsciiName})";
        var resolution = Last(events, ConnectionTestStage.NameResolution);
        Assert.Equal(both, Detail(resolution, "Host used"));
        Assert.Equal($"{both} resolves to 127.0.0.1.", resolution.Message);
        var tls = Last(events, ConnectionTestStage.Tls);
        Assert.Equal(TestCertificates.IdnServerAsciiName, Detail(tls, "Name checked against"));
        Assert.Equal("valid (trusted chain, name matches)", Detail(tls, "Chain result"));
        Assert.Contains(both, events.ToReportText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_UmlautNameResolvingIntoADeniedNetwork_IsRefusedByThePolicyBeforeAnySocket()
    {
        // The policy judges the addresses of the A-label form, the name that is actually looked up.
        var options = new ConnectionTestingOptions { DeniedNetworks = ["127.0.0.0/8"] };
        var destination = Destination(FreePort.Next(), TestRoles.Scram, TlsMode.Disable, server: TestCertificates.IdnServerName);

        var events = await RunAsync(destination, TestRoles.ScramPassword, CreateTester(options, Resolver(IPAddress.Parse("127.0.0.9"))));

        AssertFailed(events, ConnectionTestStage.NameResolution, ConnectionTestCategory.RefusedByPolicy, nameof(DestinationInput.ServerName));
        Assert.Contains("127.0.0.9 is in the denied network 127.0.0.0/8", Outcome(events).Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain(events, e => e.Stage == ConnectionTestStage.TcpConnection);
    }

    [Fact]
    public async Task RunAsync_AllowListAndAnUmlautName_AdmitsTheAddressesOfTheALabelForm()
    {
        var options = new ConnectionTestingOptions { AllowedNetworks = ["127.0.0.0/8"] };
        var destination = Destination(servers.NoTls.Port, TestRoles.Scram, TlsMode.Disable, server: TestCertificates.IdnServerName);

        var events = await RunAsync(destination, TestRoles.ScramPassword, CreateTester(options, Resolver(IPAddress.Loopback)));

        AssertSucceeded(events);
        Assert.Equal("allowed", Detail(Last(events, ConnectionTestStage.NameResolution), "Network policy"));
    }
}
