using DestinationPortal.Core;
using DestinationPortal.Core.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Tests.Persistence;

/// <summary>Issue 14: the store is chosen by configuration, and a wrong choice stops the start with a message that never repeats the connection string.</summary>
public sealed class PortalDatabaseOptionsTests
{
    private const string Secret = "db-password-canary-3f9";

    private static PortalOptions Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddOptions<PortalOptions>().BindConfiguration(PortalOptions.SectionName).ValidateDataAnnotations();
        return services.BuildServiceProvider().GetRequiredService<IOptions<PortalOptions>>().Value;
    }

    [Fact]
    public void NothingSet_IsTheEmbeddedSqliteStore()
    {
        var options = Bind([]);

        Assert.Equal(PortalDatabaseProvider.Sqlite, options.Database.Provider);
        Assert.False(options.UsesPostgreSql);
        Assert.True(options.Database.MigrateOnStart);
    }

    [Fact]
    public void PostgreSql_WithAConnectionString_IsAccepted()
    {
        var options = Bind(new()
        {
            ["Portal:Database:Provider"] = "PostgreSql",
            ["Portal:Database:ConnectionString"] = $"Host=db.example.test;Database=portal;Username=portal;Password={Secret}",
        });

        Assert.True(options.UsesPostgreSql);
    }

    [Theory]
    [InlineData("PostgreSql", null, "must be set")]
    [InlineData("Sqlite", $"Host=db.example.test;Password={Secret}", "Provider is Sqlite")]
    [InlineData("PostgreSql", $"Password={Secret};Database=portal", "not a valid PostgreSQL connection string")]
    [InlineData("PostgreSql", $"Host=db;Nonsense Key={Secret}", "not a valid PostgreSQL connection string")]
    public void WrongCombination_StopsTheStart_NamingTheSetting_NeverTheConnectionString(string provider, string? connectionString, string expected)
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Bind(new()
        {
            ["Portal:Database:Provider"] = provider,
            ["Portal:Database:ConnectionString"] = connectionString,
        }));

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
        Assert.Contains("Portal:Database:", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, refused.Message, StringComparison.Ordinal);
    }
}
