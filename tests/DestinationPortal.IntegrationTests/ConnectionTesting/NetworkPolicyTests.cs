using System.Net;
using DestinationPortal.Core.ConnectionTesting;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

public sealed class NetworkPolicyTests
{
    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("fe80::1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("ff02::1")]
    public void Check_DefaultDeniedAddress_Refuses(string address)
    {
        var policy = new NetworkPolicy(new ConnectionTestingOptions());

        Assert.NotNull(policy.Check(IPAddress.Parse(address), 5432));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("10.1.2.3")]
    public void Check_LoopbackAndPrivateByDefault_Allows(string address)
    {
        var policy = new NetworkPolicy(new ConnectionTestingOptions());

        Assert.Null(policy.Check(IPAddress.Parse(address), 5432));
    }

    [Fact]
    public void Check_AllowedNetworksSet_RefusesAddressOutsideThem()
    {
        var policy = new NetworkPolicy(new ConnectionTestingOptions { AllowedNetworks = ["10.0.0.0/8"] });

        Assert.Null(policy.Check(IPAddress.Parse("10.9.9.9"), 5432));
        Assert.NotNull(policy.Check(IPAddress.Parse("192.168.1.1"), 5432));
    }

    [Fact]
    public void Check_DeniedNetworksConfigured_ReplacesDefaults()
    {
        var policy = new NetworkPolicy(new ConnectionTestingOptions { DeniedNetworks = ["127.0.0.0/8"] });

        Assert.NotNull(policy.Check(IPAddress.Parse("127.0.0.2"), 5432));
        Assert.Null(policy.Check(IPAddress.Parse("169.254.169.254"), 5432));
    }

    [Theory]
    [InlineData("::ffff:127.0.0.1")] // IPv4-mapped
    [InlineData("::127.0.0.1")] // IPv4-compatible
    [InlineData("64:ff9b::7f00:1")] // NAT64, well-known prefix
    [InlineData("64:ff9b:1::7f00:1")] // NAT64, local-use prefix with the /96 layout
    [InlineData("2002:7f00:1::")] // 6to4
    [InlineData("2002:7f00:1:1234:5678::1")] // 6to4 with a subnet and host part
    [InlineData("2001:0:7f00:1::1")] // Teredo, relay server 127.0.0.1
    [InlineData("2001:0:4136:e378:8000:63bf:80ff:fffe")] // Teredo, client 127.0.0.1 (bits inverted)
    public void Check_Ipv6FormCarryingDeniedIPv4Address_Refuses(string address)
    {
        var policy = new NetworkPolicy(new ConnectionTestingOptions { DeniedNetworks = ["127.0.0.0/8"] });

        var refusal = policy.Check(IPAddress.Parse(address), 5432);

        Assert.NotNull(refusal);
        Assert.Contains("127.0.0.1", refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("64:ff9b::a01:203")]
    [InlineData("2002:a01:203::1")]
    [InlineData("::ffff:10.1.2.3")]
    public void Check_Ipv6FormCarryingAllowedIPv4Address_AllowedOnlyWhenBothFormsAre(string address)
    {
        var v4Only = new NetworkPolicy(new ConnectionTestingOptions { AllowedNetworks = ["10.0.0.0/8"] });
        var both = new NetworkPolicy(new ConnectionTestingOptions { AllowedNetworks = ["10.0.0.0/8", "64:ff9b::/96", "2002::/16"] });

        var mapped = IPAddress.Parse(address).IsIPv4MappedToIPv6;
        Assert.Equal(mapped, v4Only.Check(IPAddress.Parse(address), 5432) is null);
        Assert.Null(both.Check(IPAddress.Parse(address), 5432));
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("0.1.2.3")]
    [InlineData("::")]
    [InlineData("::ffff:0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("224.0.0.1")]
    [InlineData("ff02::1")]
    [InlineData("64:ff9b::")]
    public void Check_AlwaysDeniedAddressWithOperatorListOmittingIt_Refuses(string address)
    {
        var policy = new NetworkPolicy(new ConnectionTestingOptions { DeniedNetworks = ["10.0.0.0/8"] });

        Assert.NotNull(policy.Check(IPAddress.Parse(address), 5432));
    }

    [Theory]
    [InlineData("::1")]
    [InlineData("2001:db8::1")]
    [InlineData("2a00:1450::1")]
    public void Check_OrdinaryIpv6Address_NotMistakenForAnEmbeddedIPv4Address(string address)
    {
        var policy = new NetworkPolicy(new ConnectionTestingOptions { DeniedNetworks = ["0.0.0.0/0"] });

        Assert.Null(policy.Check(IPAddress.Parse(address), 5432));
    }
}
