using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DestinationPortal.IntegrationTests.Hosting;

/// <summary>
/// Issue 12: an open tab held a stopping portal for the whole shutdown timeout, because its reconnect arrived after
/// SignalR had closed its connections (on ApplicationStopping) and before the server stopped accepting. Once stopping
/// has begun, the realtime endpoints refuse new connections, so nothing is left for the host to wait for.
/// </summary>
public sealed class RealtimeShutdownTests : IAsyncLifetime
{
    private readonly HeldStop _held = new();
    private readonly PortalApp _app;

    public RealtimeShutdownTests() => _app = new PortalApp(services: s => s.AddSingleton<IHostedService>(_held));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _held.Release();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("/_blazor/negotiate?negotiateVersion=1")]
    [InlineData("/hubs/connection-tests/negotiate?negotiateVersion=1")]
    public async Task Negotiate_WhileTheHostStops_IsRefusedWith503(string path)
    {
        using var client = await _app.SignedInClientAsync();
        using (var running = await client.PostAsync(path, content: null))
        {
            Assert.Equal(HttpStatusCode.OK, running.StatusCode);
        }

        // SIGTERM's first step; the host then stops its services, the web server last. The held service keeps the
        // server answering, as it still does in the moment an open tab's reconnect arrives.
        _app.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        await _held.Stopping.WaitAsync(TimeSpan.FromSeconds(10));

        using var stopping = await client.PostAsync(path, content: null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stopping.StatusCode);
        // Only realtime connections are refused: a request that ends is still answered while the host stops.
        using var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    /// <summary>A hosted service whose stop waits for the test: it is stopped before the web server, registered after it.</summary>
    private sealed class HeldStop : IHostedService
    {
        private readonly TaskCompletionSource _stopping = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Stopping => _stopping.Task;

        public void Release() => _released.TrySetResult();

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            _stopping.TrySetResult();
            await _released.Task.WaitAsync(cancellationToken);
        }
    }
}
