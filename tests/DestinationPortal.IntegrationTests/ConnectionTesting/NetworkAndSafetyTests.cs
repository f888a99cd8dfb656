using System.Net;
using System.Net.Sockets;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using static DestinationPortal.IntegrationTests.ConnectionTesting.TesterHarness;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

[Collection(PostgreSqlTestGroup.Name)]
public sealed class NetworkAndSafetyTests(PostgreSqlServers servers)
{
    [Fact]
    public async Task RunAsync_NothingListening_FailsTcpNamingPort()
    {
        var events = await RunAsync(Destination(FreePort.Next(), TestRoles.Scram), TestRoles.ScramPassword);

        AssertFailed(events, ConnectionTestStage.TcpConnection, ConnectionTestCategory.Network, nameof(DestinationInput.Port));
        Assert.Contains("Connection refused", Outcome(events).Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_UnresolvableName_FailsNameResolutionNamingServerName()
    {
        var events = await RunAsync(Destination(servers.Tls.Port, TestRoles.Scram, server: "no-such-host.invalid"), TestRoles.ScramPassword);

        AssertFailed(events, ConnectionTestStage.NameResolution, ConnectionTestCategory.Network, nameof(DestinationInput.ServerName));
    }

    [Fact]
    public async Task RunAsync_SilentListener_TimesOutAtDeadlineInTlsStage()
    {
        await using var silent = FakeServer.Silent();
        var tester = CreateTester(new ConnectionTestingOptions { DeadlineMarginSeconds = 1 });

        var events = await RunAsync(Destination(silent.Port, TestRoles.Scram, timeoutSeconds: 1), TestRoles.ScramPassword, tester);

        AssertFailed(events, ConnectionTestStage.Tls, ConnectionTestCategory.Timeout, nameof(DestinationInput.Port));
        Assert.InRange(Outcome(events).TotalMilliseconds, 1900, 6000);
    }

    [Fact]
    public async Task RunAsync_TlsHandshakeStall_TimesOutAtDeadlineInTlsStage()
    {
        await using var stall = FakeServer.TlsStall();
        var tester = CreateTester(new ConnectionTestingOptions { DeadlineMarginSeconds = 1 });

        var events = await RunAsync(Destination(stall.Port, TestRoles.Scram, TlsMode.Require, timeoutSeconds: 1), TestRoles.ScramPassword, tester);

        AssertFailed(events, ConnectionTestStage.Tls, ConnectionTestCategory.Timeout, nameof(DestinationInput.Port));
        Assert.InRange(Outcome(events).TotalMilliseconds, 1900, 6000);
    }

    [Fact]
    public async Task RunAsync_CancelledMidRun_EndsPromptlyAsCancelled()
    {
        await using var silent = FakeServer.Silent();
        using var cancel = new CancellationTokenSource();
        var events = new List<ConnectionTestEvent>();
        var request = new ConnectionTestRequest(Guid.NewGuid(), Destination(silent.Port, TestRoles.Scram, timeoutSeconds: 20), TestRoles.ScramPassword);

        await foreach (var item in CreateTester().RunAsync(request, cancel.Token))
        {
            events.Add(item);
            if (item is { Stage: ConnectionTestStage.TcpConnection, Status: ConnectionTestStatus.Succeeded })
            {
                await cancel.CancelAsync();
            }
        }

        var outcome = Outcome(events);
        Assert.Equal(ConnectionTestCategory.Cancelled, outcome.Category);
        Assert.Equal(ConnectionTestStage.Tls, outcome.ProblemStage);
        Assert.InRange(outcome.TotalMilliseconds, 0, 5000);
    }

    [Fact]
    public async Task RunAsync_SshServiceOnPort_ReportsNotPostgreSqlWithoutEchoingBanner()
    {
        await using var ssh = FakeServer.Ssh();

        foreach (var mode in new[] { TlsMode.Prefer, TlsMode.Disable })
        {
            var events = await RunAsync(Destination(ssh.Port, TestRoles.Scram, mode), TestRoles.ScramPassword);

            var stage = mode == TlsMode.Disable ? ConnectionTestStage.Authentication : ConnectionTestStage.Tls;
            AssertFailed(events, stage, ConnectionTestCategory.NotPostgreSql, nameof(DestinationInput.Port));
            Assert.DoesNotContain("SSH", events.ToReportText(), StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("OpenSSH", events.ToReportText(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RunAsync_HttpServiceOnPort_ReportsNotPostgreSqlWithoutEchoingResponse()
    {
        await using var http = FakeServer.Http();

        var events = await RunAsync(Destination(http.Port, TestRoles.Scram, TlsMode.Require), TestRoles.ScramPassword);

        AssertFailed(events, ConnectionTestStage.Tls, ConnectionTestCategory.NotPostgreSql, nameof(DestinationInput.Port));
        Assert.DoesNotContain("nginx", events.ToReportText(), StringComparison.Ordinal);
        Assert.DoesNotContain("HTTP", events.ToReportText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NameWithUnreachableFirstAddress_ConnectsToTheNextCheckedAddress()
    {
        // The servers listen on 127.0.0.1 only, so ::1 is refused and the tester must move on.
        var resolver = new FakeHostNameResolver(new Dictionary<string, IPAddress[]>
        {
            [TestCertificates.ServerDnsName] = [IPAddress.IPv6Loopback, IPAddress.Loopback],
        });

        var events = await RunAsync(
            Destination(servers.Tls.Port, TestRoles.Scram, TlsMode.VerifyFull, server: TestCertificates.ServerDnsName, caPem: servers.Certificates.Ca.CertificatePem),
            TestRoles.ScramPassword,
            CreateTester(resolver: resolver));

        AssertSucceeded(events);
        Assert.Equal("127.0.0.1", Detail(Last(events, ConnectionTestStage.TcpConnection), "Address"));
    }

    [Fact]
    public async Task RunAsync_AddressInDeniedNetwork_RefusesBeforeAnySocketOpens()
    {
        using var listener = new TcpListener(IPAddress.Parse("127.0.0.2"), 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var options = new ConnectionTestingOptions { DeniedNetworks = ["127.0.0.2/32"] };
        var resolver = new FakeHostNameResolver(new Dictionary<string, IPAddress[]>
        {
            // A name with one allowed and one denied address must be refused as a whole.
            ["sneaky.portal.test"] = [IPAddress.Loopback, IPAddress.Parse("127.0.0.2")],
        });

        foreach (var server in new[] { "127.0.0.2", "sneaky.portal.test" })
        {
            var events = await RunAsync(Destination(port, TestRoles.Scram, server: server), TestRoles.ScramPassword, CreateTester(options, resolver));

            AssertFailed(events, ConnectionTestStage.NameResolution, ConnectionTestCategory.RefusedByPolicy, nameof(DestinationInput.ServerName));
            Assert.DoesNotContain(events, e => e.Stage == ConnectionTestStage.TcpConnection);
        }

        Assert.False(listener.Pending(), "The tester connected to a denied address.");
    }

    [Fact]
    public async Task RunAsync_PortOutsideAllowedPorts_RefusesByPolicy()
    {
        var tester = CreateTester(new ConnectionTestingOptions { AllowedPorts = [5432] });

        var events = await RunAsync(Destination(servers.Tls.Port, TestRoles.Scram), TestRoles.ScramPassword, tester);

        AssertFailed(events, ConnectionTestStage.NameResolution, ConnectionTestCategory.RefusedByPolicy, nameof(DestinationInput.ServerName));
    }

    [Fact]
    public async Task RunAsync_ModeDisabled_RefusesWithoutAnyStage()
    {
        var tester = CreateTester(new ConnectionTestingOptions { Mode = ConnectionTestingMode.Disabled });

        var events = await RunAsync(Destination(servers.Tls.Port, TestRoles.Scram), TestRoles.ScramPassword, tester);

        Assert.Single(events);
        Assert.Equal(ConnectionTestCategory.RefusedByPolicy, Outcome(events).Category);
    }

    [Fact]
    public async Task RunAsync_PerUserCapReached_ReturnsBusyAtOnce()
    {
        await using var silent = FakeServer.Silent();
        var gate = new ConnectionTestGate();
        var options = new ConnectionTestingOptions { MaxConcurrentTestsPerUser = 2 };
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var destination = Destination(silent.Port, TestRoles.Scram, timeoutSeconds: 20);
        var running = new List<IAsyncEnumerator<ConnectionTestEvent>>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var run = CreateTester(options, gate: gate).RunAsync(new ConnectionTestRequest(Guid.NewGuid(), destination, "Cap-canary-pass-1"), cancel.Token).GetAsyncEnumerator();
                running.Add(run);
                // Holding a TCP connection means the run holds its slot.
                while (await run.MoveNextAsync() && run.Current is not { Stage: ConnectionTestStage.TcpConnection, Status: ConnectionTestStatus.Succeeded })
                {
                }
            }

            var third = await RunAsync(destination, "Cap-canary-pass-1", CreateTester(options, gate: gate));
            var otherUser = CreateTester(options, gate: gate, user: "bob");
            var bobFirstEvent = await otherUser.RunAsync(new ConnectionTestRequest(Guid.NewGuid(), destination, "Cap-canary-pass-1"), cancel.Token).FirstAsync(cancel.Token);

            Assert.Single(third);
            Assert.Equal(ConnectionTestCategory.Busy, Outcome(third).Category);
            Assert.Equal(ConnectionTestStage.NameResolution, bobFirstEvent.Stage);
        }
        finally
        {
            await cancel.CancelAsync();
            foreach (var run in running)
            {
                await run.DisposeAsync();
            }
        }

        Assert.Equal(0, gate.InFlight);
    }
}
