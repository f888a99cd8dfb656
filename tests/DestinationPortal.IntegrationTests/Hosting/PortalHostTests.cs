using System.Net;
using DestinationPortal.Core.ConnectionTesting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DestinationPortal.IntegrationTests.Hosting;

public sealed class PortalHostTests : IAsyncLifetime
{
    private readonly PortalApp _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Health_OnAFreshDataDirectory_IsHealthy()
    {
        using var client = _factory.CreateClient();

        using var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void Configuration_FilesAreReadOnceAtStart()
    {
        // The default watches the content root for changes to appsettings*.json; nothing here reloads, and setting the
        // watcher up cost each start a few hundred milliseconds (issue 16).
        var configuration = (IConfigurationRoot)_factory.Services.GetRequiredService<IConfiguration>();

        var files = configuration.Providers.OfType<JsonConfigurationProvider>().ToList();
        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.False(file.Source.ReloadOnChange, file.Source.Path));
    }

    [Fact]
    public async Task WarmUp_RunsEveryStepToItsEndOnceTheHostHasStarted()
    {
        using var client = _factory.CreateClient();
        var warmUp = _factory.Services.GetServices<IHostedService>().OfType<FirstUseWarmUp>().Single();

        // It waits for ApplicationStarted, then warms and ends; a bound only so a regression fails instead of hanging.
        await warmUp.ExecuteTask!.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.True(warmUp.ExecuteTask.IsCompletedSuccessfully);
        // Its steps' errors are only logged (a failed warm-up costs nothing else), so ask whether all of them ran.
        Assert.True(warmUp.Completed);
    }

    [Theory]
    [InlineData("/", "Manage Destinations")]
    [InlineData("/destinations", "Manage Destinations")]
    [InlineData("/destinations/new", "Server Name")]
    public async Task Pages_PrerenderTheirContent(string path, string expected)
    {
        using var client = await _factory.SignedInClientAsync();

        var html = await client.GetStringAsync(path);

        Assert.Contains(expected, html);
    }

    [Fact]
    public async Task UnknownPath_Answers404()
    {
        using var client = await _factory.SignedInClientAsync();

        using var response = await client.GetAsync("/no-such-page");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
