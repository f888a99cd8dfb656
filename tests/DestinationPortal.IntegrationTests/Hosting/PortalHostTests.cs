using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DestinationPortal.IntegrationTests.Hosting;

public sealed class PortalHostTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("dp-host-");
    private readonly WebApplicationFactory<Program> _factory;

    public PortalHostTests()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("Portal:DataDirectory", _data.FullName);
        });
    }

    public void Dispose()
    {
        _factory.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
    }

    [Fact]
    public async Task Health_OnAFreshDataDirectory_IsHealthy()
    {
        using var client = _factory.CreateClient();

        using var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/", "Manage Destinations")]
    [InlineData("/destinations", "Manage Destinations")]
    [InlineData("/destinations/new", "Server Name")]
    public async Task Pages_PrerenderTheirContent(string path, string expected)
    {
        using var client = _factory.CreateClient();

        var html = await client.GetStringAsync(path);

        Assert.Contains(expected, html);
    }

    [Fact]
    public async Task UnknownPath_Answers404()
    {
        using var client = _factory.CreateClient();

        using var response = await client.GetAsync("/no-such-page");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
