using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using static DestinationPortal.IntegrationTests.ConnectionTesting.TesterHarness;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

[Collection(PostgreSqlTestGroup.Name)]
public sealed class TlsScenarioTests(PostgreSqlServers servers)
{
    [Fact]
    public async Task RunAsync_TlsServerWithDisable_ConnectsUnencryptedWithScram()
    {
        var events = await RunAsync(Destination(servers.Tls.Port, TestRoles.Scram, TlsMode.Disable), TestRoles.ScramPassword);

        AssertSucceeded(events);
        Assert.Equal(ConnectionTestStatus.Skipped, Last(events, ConnectionTestStage.Tls).Status);
        var authentication = Last(events, ConnectionTestStage.Authentication);
        Assert.Equal("SCRAM-SHA-256", Detail(authentication, "Method requested by the server"));
        Assert.Equal("not encrypted", Detail(Last(events, ConnectionTestStage.Database), "TLS seen by the server (pg_stat_ssl)"));
    }

    [Fact]
    public async Task RunAsync_TlsServerWithAllow_ConnectsWithoutTlsFirst()
    {
        var events = await RunAsync(Destination(servers.Tls.Port, TestRoles.Scram, TlsMode.Allow), TestRoles.ScramPassword);

        AssertSucceeded(events);
        Assert.Equal(ConnectionTestStatus.Skipped, Last(events, ConnectionTestStage.Tls).Status);
        Assert.Equal("no", Detail(Last(events, ConnectionTestStage.Authentication), "Encrypted"));
    }

    [Fact]
    public async Task RunAsync_TlsServerWithPrefer_EncryptsWithScramWithoutCheckingCertificate_SaysChannelBindingWasOffered()
    {
        var events = await RunAsync(Destination(servers.Tls.Port, TestRoles.Scram, TlsMode.Prefer), TestRoles.ScramPassword);

        AssertSucceeded(events);
        var tls = Last(events, ConnectionTestStage.Tls);
        Assert.Equal(ConnectionTestStatus.Succeeded, tls.Status);
        Assert.Contains("Certificate not checked", tls.Message, StringComparison.Ordinal);
        Assert.Equal("CN=db.portal.test", Detail(tls, "Certificate subject"));
        Assert.Contains("db.portal.test", Detail(tls, "Subject alternative names"), StringComparison.Ordinal);
        Assert.Equal(64, Detail(tls, "SHA-256 fingerprint").Length);
        // The login is carried over the probe's TLS connection (decision 59): plain SCRAM, and the report says binding was offered.
        Assert.Equal("SCRAM-SHA-256", Detail(Last(events, ConnectionTestStage.Authentication), "Method requested by the server"));
        Assert.StartsWith("offered by the server (SCRAM-SHA-256-PLUS), not used", Detail(Last(events, ConnectionTestStage.Authentication), "Channel binding"), StringComparison.Ordinal);
        Assert.StartsWith("TLSv1.", Detail(Last(events, ConnectionTestStage.Database), "TLS seen by the server (pg_stat_ssl)"), StringComparison.Ordinal);
        // Sent before the lookup, so it must not show what the lookup found later.
        Assert.DoesNotContain(events[0].Details, d => d.Label == "Addresses");
    }

    [Fact]
    public async Task RunAsync_TlsServerWithRequire_EncryptsWithoutCheckingCertificate()
    {
        var events = await RunAsync(Destination(servers.Tls.Port, TestRoles.Scram, TlsMode.Require), TestRoles.ScramPassword);

        AssertSucceeded(events);
        var tls = Last(events, ConnectionTestStage.Tls);
        Assert.Contains("Certificate not checked", tls.Message, StringComparison.Ordinal);
        Assert.Contains("untrusted root", Detail(tls, "Chain result"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TlsServerWithVerifyCaAndItsCa_VerifiesChain()
    {
        var events = await RunAsync(
            Destination(servers.Tls.Port, TestRoles.Scram, TlsMode.VerifyCA, caPem: servers.Certificates.Ca.CertificatePem), TestRoles.ScramPassword);

        AssertSucceeded(events);
        Assert.Contains("Certificate verified", Last(events, ConnectionTestStage.Tls).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TlsServerWithVerifyFullAndMatchingName_VerifiesChainAndName()
    {
        var events = await RunAsync(
            Destination(servers.Tls.Port, TestRoles.Scram, TlsMode.VerifyFull, server: "localhost", caPem: servers.Certificates.Ca.CertificatePem), TestRoles.ScramPassword);

        AssertSucceeded(events);
        var tls = Last(events, ConnectionTestStage.Tls);
        Assert.Contains("chain and name", tls.Message, StringComparison.Ordinal);
        Assert.Equal("localhost", Detail(tls, "Name checked against"));
        Assert.Equal("valid (trusted chain, name matches)", Detail(tls, "Chain result"));
    }

    [Fact]
    public async Task RunAsync_VerifyFullThroughPrivateEndpoint_ChecksCertificateAgainstServerName()
    {
        var events = await RunAsync(
            Destination(servers.Tls.Port, TestRoles.Scram, TlsMode.VerifyFull, server: TestCertificates.ServerDnsName, privateEndpoint: "127.0.0.1",
                caPem: servers.Certificates.Ca.CertificatePem),
            TestRoles.ScramPassword);

        AssertSucceeded(events);
        Assert.Equal("127.0.0.1", Detail(Last(events, ConnectionTestStage.NameResolution), "Host used"));
        Assert.Equal(TestCertificates.ServerDnsName, Detail(Last(events, ConnectionTestStage.Tls), "Name checked against"));
    }

    [Fact]
    public async Task RunAsync_VerifyFullWithCertificateForAnotherName_FailsTlsOnNameMismatch()
    {
        var events = await RunAsync(
            Destination(servers.OtherNameCertificate.Port, TestRoles.Scram, TlsMode.VerifyFull, server: "localhost", caPem: servers.Certificates.Ca.CertificatePem),
            TestRoles.ScramPassword);

        AssertFailed(events, ConnectionTestStage.Tls, ConnectionTestCategory.Tls, nameof(DestinationInput.ServerName));
        Assert.Contains("name mismatch", Outcome(events).Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain(events, e => e.Stage == ConnectionTestStage.Authentication);
    }

    [Fact]
    public async Task RunAsync_VerifyCaWithCertificateForAnotherNameExpiringSoon_PassesWithExpiryWarning()
    {
        var events = await RunAsync(
            Destination(servers.OtherNameCertificate.Port, TestRoles.Scram, TlsMode.VerifyCA, server: "localhost", caPem: servers.Certificates.Ca.CertificatePem),
            TestRoles.ScramPassword);

        AssertSucceeded(events);
        var tls = Last(events, ConnectionTestStage.Tls);
        Assert.Contains("name mismatch", Detail(tls, "Chain result"), StringComparison.Ordinal);
        Assert.Equal(ConnectionTestStatus.Warning, tls.Status);
        Assert.Contains("expires in", tls.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_VerifyFullWithoutCaCertificate_FailsAgainstSystemStore()
    {
        var events = await RunAsync(Destination(servers.Tls.Port, TestRoles.Scram, TlsMode.VerifyFull, server: "localhost"), TestRoles.ScramPassword);

        AssertFailed(events, ConnectionTestStage.Tls, ConnectionTestCategory.Tls, nameof(DestinationInput.CaCertificate));
        Assert.Equal("this server's system store", Detail(Last(events, ConnectionTestStage.Tls), "Trust anchors"));
    }

    [Fact]
    public async Task RunAsync_CaCertificateNotPem_FailsAsConfigurationBeforeConnecting()
    {
        var events = await RunAsync(
            Destination(servers.Tls.Port, TestRoles.Scram, TlsMode.VerifyFull, server: "localhost", caPem: "not a certificate"), TestRoles.ScramPassword);

        Assert.Single(events);
        Assert.Equal(ConnectionTestCategory.Configuration, Outcome(events).Category);
        Assert.Equal(nameof(DestinationInput.CaCertificate), Outcome(events).FieldToFix);
    }

    [Fact]
    public async Task RunAsync_VerifyFullWithExpiredCertificate_FailsTlsAsExpired()
    {
        var events = await RunAsync(
            Destination(servers.ExpiredCertificate.Port, TestRoles.Scram, TlsMode.VerifyFull, server: "localhost", caPem: servers.Certificates.Ca.CertificatePem),
            TestRoles.ScramPassword);

        AssertFailed(events, ConnectionTestStage.Tls, ConnectionTestCategory.Tls, null);
        Assert.Contains("expired on", Outcome(events).Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_VerifyCaWithUnrelatedCa_FailsTlsAsUntrustedRoot()
    {
        var events = await RunAsync(
            Destination(servers.Tls.Port, TestRoles.Scram, TlsMode.VerifyCA, caPem: servers.Certificates.OtherCa.CertificatePem), TestRoles.ScramPassword);

        AssertFailed(events, ConnectionTestStage.Tls, ConnectionTestCategory.Tls, nameof(DestinationInput.CaCertificate));
        Assert.Contains("untrusted root", Outcome(events).Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ServerWithoutTlsAndPrefer_StatesFallbackAndConnects()
    {
        var events = await RunAsync(Destination(servers.NoTls.Port, TestRoles.Scram, TlsMode.Prefer), TestRoles.ScramPassword);

        AssertSucceeded(events);
        var tls = Last(events, ConnectionTestStage.Tls);
        Assert.Equal(ConnectionTestStatus.Warning, tls.Status);
        Assert.Contains("server does not offer TLS; continuing unencrypted", tls.Message, StringComparison.Ordinal);
        Assert.Equal("SCRAM-SHA-256", Detail(Last(events, ConnectionTestStage.Authentication), "Method requested by the server"));
    }

    [Fact]
    public async Task RunAsync_ServerWithoutTlsAndRequire_FailsTlsNamingTlsMode()
    {
        var events = await RunAsync(Destination(servers.NoTls.Port, TestRoles.Scram, TlsMode.Require), TestRoles.ScramPassword);

        AssertFailed(events, ConnectionTestStage.Tls, ConnectionTestCategory.Tls, nameof(DestinationInput.TlsMode));
        Assert.Contains("does not offer TLS", Outcome(events).Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_HostSslOnlyUserWithDisable_FailsAuthenticationNamingTlsMode()
    {
        var events = await RunAsync(Destination(servers.Tls.Port, TestRoles.HostSslOnly, TlsMode.Disable), TestRoles.HostSslOnlyPassword);

        AssertFailed(events, ConnectionTestStage.Authentication, ConnectionTestCategory.Authentication, nameof(DestinationInput.TlsMode));
        Assert.Equal("28000", Outcome(events).SqlState);
    }

    [Fact]
    public async Task RunAsync_HostSslOnlyUserWithAllow_RetriesWithTlsAndConnects()
    {
        var events = await RunAsync(Destination(servers.Tls.Port, TestRoles.HostSslOnly, TlsMode.Allow), TestRoles.HostSslOnlyPassword);

        AssertSucceeded(events);
        Assert.Contains(events, e => e.Stage == ConnectionTestStage.Authentication && e.Message.Contains("Allow retries with TLS", StringComparison.Ordinal));
        Assert.Equal("yes (TLS)", Detail(Last(events, ConnectionTestStage.Authentication), "Encrypted"));
    }
}
