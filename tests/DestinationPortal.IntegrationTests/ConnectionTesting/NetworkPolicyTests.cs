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
}
