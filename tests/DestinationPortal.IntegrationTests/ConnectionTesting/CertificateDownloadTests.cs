using System.Diagnostics;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using static DestinationPortal.Core.ConnectionTesting.ServerWire;
using static DestinationPortal.IntegrationTests.ConnectionTesting.TesterHarness;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

/// <summary>
/// A server certificate is chosen by the server, and so are the URLs in it. Building its chain online would make the
/// portal send requests wherever they point (blind SSRF) and wait for them; the tester builds it offline.
/// </summary>
public sealed class CertificateDownloadTests
{
    [Theory]
    [InlineData(TlsMode.VerifyFull)]
    [InlineData(TlsMode.VerifyCA)]
    [InlineData(TlsMode.Require)]
    public async Task RunAsync_CertificateNamingIssuerOcspAndCrlUrls_FetchesNothing(TlsMode mode)
    {
        // Accepts and never answers: it counts fetch attempts, and a chain builder waiting on it would also miss the deadline.
        await using var fetchHost = FakeServer.Silent();
        var certificates = FakeCertificates.Create(new Uri($"http://127.0.0.1:{fetchHost.Port}/"));
        using var serverCertificate = certificates.Server;
        await using var server = FakePostgreSqlServer.Start(async (session, ct) =>
        {
            await session.SendAsync(Authentication(3), ct);
            if (session.IsLogin)
            {
                await session.ReadMessageAsync(ct);
                await session.SendAsync(Error("28P01", "password authentication failed for user \"hostile\""), ct);
            }
        }, serverCertificate);
        var caPem = mode == TlsMode.Require ? null : certificates.RootPem;
        var tester = CreateTester(new ConnectionTestingOptions { DeadlineMarginSeconds = 1 });
        var clock = Stopwatch.StartNew();

        var events = await RunAsync(Destination(server.Port, "hostile", mode, caPem: caPem, timeoutSeconds: 2), "Aia-canary-pass-7", tester);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), events.ToReportText());
        Assert.Equal(0, fetchHost.Accepted);
        if (mode == TlsMode.Require)
        {
            // The one handshake (the probe's, which the login is carried over) ran its chain check, and the run reached the password.
            Assert.Equal(1, server.Accepted);
            AssertFailed(events, ConnectionTestStage.Authentication, ConnectionTestCategory.Authentication, nameof(DestinationInput.Password));
        }
        else
        {
            // Without the intermediate the server did not send, the chain cannot reach the root given.
            AssertFailed(events, ConnectionTestStage.Tls, ConnectionTestCategory.Tls, nameof(DestinationInput.CaCertificate));
        }
    }
}
