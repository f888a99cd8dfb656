using DestinationPortal.Core;
using DestinationPortal.Core.ConnectionTesting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

public sealed class ConnectionTestingRegistrationTests
{
    [Fact]
    public void AddPortalCore_ConfiguredSection_BindsOptionsAndResolvesScopedTester()
    {
        using var provider = BuildProvider(new()
        {
            ["ConnectionTesting:Mode"] = "Hidden",
            ["ConnectionTesting:DeniedNetworks:0"] = "10.0.0.0/8",
            ["ConnectionTesting:AllowedPorts:0"] = "5432",
            ["ConnectionTesting:MaxConcurrentTests"] = "4",
        });
        using var scope = provider.CreateScope();

        var tester = scope.ServiceProvider.GetRequiredService<ConnectionTester>();
        var options = provider.GetRequiredService<IOptions<ConnectionTestingOptions>>().Value;

        Assert.Same(tester, scope.ServiceProvider.GetRequiredService<IConnectionTester>());
        Assert.Equal(ConnectionTestingMode.Hidden, options.Mode);
        Assert.Equal(["10.0.0.0/8"], options.EffectiveDeniedNetworks);
        Assert.Equal([5432], options.AllowedPorts);
        Assert.Equal(4, options.MaxConcurrentTests);
        Assert.Same(provider.GetRequiredService<ConnectionTestGate>(), provider.GetRequiredService<ConnectionTestGate>());
        // On SQLite (no store configured) the portal's gate is the in-process one, shared by every tester.
        Assert.Same(provider.GetRequiredService<ConnectionTestGate>(), provider.GetRequiredService<IConnectionTestGate>());
    }

    [Fact]
    public void AddPortalCore_NoSection_DeniesLinkLocalButNotLoopback()
    {
        using var provider = BuildProvider([]);

        var options = provider.GetRequiredService<IOptions<ConnectionTestingOptions>>().Value;

        Assert.Equal(ConnectionTestingMode.Enabled, options.Mode);
        Assert.Contains("169.254.0.0/16", options.EffectiveDeniedNetworks);
        Assert.DoesNotContain(options.EffectiveDeniedNetworks, n => n.StartsWith("127.", StringComparison.Ordinal));
        Assert.Equal((8, 2), (options.MaxConcurrentTests, options.MaxConcurrentTestsPerUser));
    }

    [Fact]
    public void AddPortalCore_DeniedNetworkNotCidr_FailsValidationNamingTheKey()
    {
        using var provider = BuildProvider(new() { ["ConnectionTesting:DeniedNetworks:0"] = "not-a-network" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ConnectionTestingOptions>>().Value);

        Assert.Contains("DeniedNetworks", error.Message, StringComparison.Ordinal);
        Assert.Contains("not-a-network", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider BuildProvider(Dictionary<string, string?> settings)
    {
        settings["Portal:DataDirectory"] = Path.Combine(Path.GetTempPath(), "destination-portal-registration-test");
        var services = new ServiceCollection()
            .AddPortalCoreForTests(settings)
            .AddScoped<ICurrentUser>(_ => new TestCurrentUser("alice", DestinationPortal.Core.Access.PortalRole.Editor, "127.0.0.1"));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }
}
