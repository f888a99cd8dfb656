using DestinationPortal.Core.ConnectionTesting;
using static DestinationPortal.IntegrationTests.ConnectionTesting.TesterHarness;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

public sealed class ConnectionTestRequestTests
{
    [Fact]
    public void ToString_WithPassword_HidesIt()
    {
        var request = new ConnectionTestRequest(Guid.NewGuid(), Destination(5432, "alice"), "P@ss-canary-123");

        var text = request.ToString();

        Assert.DoesNotContain("P@ss-canary-123", text, StringComparison.Ordinal);
        Assert.Contains("***", text, StringComparison.Ordinal);
    }
}
