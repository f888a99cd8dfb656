using System.Net;
using System.Net.Sockets;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using static DestinationPortal.IntegrationTests.ConnectionTesting.TesterHarness;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

/// <summary>
/// Every spelling of a denied address is refused before a socket opens: listeners on loopback count the connections
/// that would have reached them.
/// </summary>
public sealed class AddressFormTests
{
    [Theory]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::127.0.0.1")]
    [InlineData("64:ff9b::7f00:1")]
    [InlineData("2002:7f00:1::")]
    public async Task RunAsync_TransitionFormOfDeniedIPv4Address_RefusedWithNoConnection(string server)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var tester = CreateTester(new ConnectionTestingOptions { DeniedNetworks = ["127.0.0.0/8", "::1/128"] });

        var events = await RunAsync(Destination(port, "loader", TlsMode.Disable, server: server), "Form-canary-pass-3", tester);

        AssertFailed(events, ConnectionTestStage.NameResolution, ConnectionTestCategory.RefusedByPolicy, nameof(DestinationInput.ServerName));
        Assert.Contains("127.0.0.1", Outcome(events).Explanation, StringComparison.Ordinal);
        Assert.Contains("is in the denied network 127.0.0.0/8", Outcome(events).Explanation, StringComparison.Ordinal);
        Assert.False(listener.Pending(), "The tester connected to the loopback listener.");
    }

    [Fact]
    public async Task RunAsync_Ipv6Unspecified_RefusedWithNoConnectionAlthoughLoopbackIsAllowed()
    {
        // Connecting to :: reaches the local host. Loopback is allowed by default, so only the fixed rule refuses it.
        using var listener = new TcpListener(IPAddress.IPv6Any, 0);
        listener.Server.DualMode = true;
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var events = await RunAsync(Destination(port, "loader", TlsMode.Disable, server: "::"), "Form-canary-pass-3");

        AssertFailed(events, ConnectionTestStage.NameResolution, ConnectionTestCategory.RefusedByPolicy, nameof(DestinationInput.ServerName));
        Assert.Contains(":: is in the denied network ::/128", Outcome(events).Explanation, StringComparison.Ordinal);
        Assert.False(listener.Pending(), "The tester connected to the local host through ::.");
    }

    [Fact]
    public async Task RunAsync_Ipv4UnspecifiedWithOperatorListOmittingIt_RefusedWithNoConnection()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        // An operator's list replaces the defaults, 0.0.0.0/8 among them.
        var tester = CreateTester(new ConnectionTestingOptions { DeniedNetworks = ["10.0.0.0/8"] });

        var events = await RunAsync(Destination(port, "loader", TlsMode.Disable, server: "0.0.0.0"), "Form-canary-pass-3", tester);

        AssertFailed(events, ConnectionTestStage.NameResolution, ConnectionTestCategory.RefusedByPolicy, nameof(DestinationInput.ServerName));
        Assert.Contains("0.0.0.0 is in the denied network 0.0.0.0/8", Outcome(events).Explanation, StringComparison.Ordinal);
        Assert.False(listener.Pending(), "The tester connected to the local host through 0.0.0.0.");
    }
}
