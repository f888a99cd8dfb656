using System.Net;
using DestinationPortal.Web.LiveEvents;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace DestinationPortal.Tests.LiveEvents;

/// <summary>Issue 14: Redis is optional, a wrong setting stops the start naming the key and never repeating its password.</summary>
public sealed class PortalRedisOptionsTests
{
    private const string Secret = "redis-password-canary-8e1";

    private static PortalRedisOptions Bind(string? configuration)
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Portal:Redis:Configuration"] = configuration }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(settings);
        services.AddOptions<PortalRedisOptions>().BindConfiguration(PortalRedisOptions.SectionName).ValidateDataAnnotations();
        return services.BuildServiceProvider().GetRequiredService<IOptions<PortalRedisOptions>>().Value;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void NothingSet_IsNoRelay(string? configuration) => Assert.False(Bind(configuration).IsConfigured);

    [Fact]
    public void AServerWithAPassword_IsAccepted_AndNeverHoldsAnythingUp()
    {
        var options = Bind($"redis.example.test:6380,password={Secret},abortConnect=true").ToRedisOptions();

        Assert.Equal(new DnsEndPoint("redis.example.test", 6380), Assert.Single(options.EndPoints));
        // Whatever the string says: the portal starts without Redis, and a command never waits in a backlog.
        Assert.False(options.AbortOnConnectFail);
        Assert.Same(BacklogPolicy.FailFast, options.BacklogPolicy);
    }

    [Theory]
    [InlineData($"password={Secret}", "names no server")]
    [InlineData($"redis.example.test,nonsense={Secret}", "is not a valid StackExchange.Redis configuration string")]
    public void WrongString_StopsTheStart_NamingTheSetting_NeverItsPassword(string configuration, string expected)
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Bind(configuration));

        Assert.Contains("Portal:Redis:Configuration " + expected, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, refused.Message, StringComparison.Ordinal);
    }
}
