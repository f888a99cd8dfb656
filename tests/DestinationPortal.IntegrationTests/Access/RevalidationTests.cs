using System.Diagnostics;
using System.Text.Json.Serialization;
using DestinationPortal.Core;
using DestinationPortal.Core.Access;
using DestinationPortal.Core.Destinations;
using DestinationPortal.IntegrationTests.Hosting;
using DestinationPortal.Web.Access;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.IntegrationTests.Access;

/// <summary>
/// Rights that change while a tab or a hub connection stays open (T11): a circuit's user is re-checked every
/// revalidation interval (one second here, the shortest the setting allows) and a hub's on every invocation; a disabled
/// or demoted user loses what the open connection could do.
/// </summary>
public sealed class RevalidationTests : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly PortalApp _app = new(new Dictionary<string, string?> { ["Portal:Access:RevalidationInterval"] = "00:00:01" });

    public async Task InitializeAsync() => await _app.CreateUserAsync("editor", PortalRole.Editor, "editor passphrase 1");

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public static TheoryData<string> Changes => ["disable", "demote"];

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task OpenCircuit_UserDisabledOrDemoted_LosesItsRightsWithinTheInterval(string change)
    {
        await using var circuit = await OpenCircuitAsync("editor");
        var current = circuit.ServiceProvider.GetRequiredService<ICurrentUser>();
        Assert.Equal(new UserSnapshot(await UserIdAsync("editor"), "editor", PortalRole.Editor, "127.0.0.1"), current.User);
        var stateChanged = NextAuthenticationState(circuit.ServiceProvider);

        var clock = Stopwatch.StartNew();
        await ChangeAsync(change);
        var state = await stateChanged.WaitAsync(TimeSpan.FromSeconds(30));
        var lostAfter = clock.Elapsed;

        Assert.False(state.User.Identity?.IsAuthenticated);
        Assert.Equal(UserSnapshot.Anonymous("127.0.0.1"), current.User);
        Assert.False(current.Can(PortalCapability.ViewDestinations));
        await Assert.ThrowsAsync<PortalAccessDeniedException>(() =>
            circuit.ServiceProvider.GetRequiredService<DestinationService>().CreateAsync(new DestinationInput { Name = "after", ServerName = "db.example", Database = "postgres" }));
        // One interval from the change to the next check, plus the check itself; generous for a loaded machine.
        Assert.True(lostAfter < Interval + TimeSpan.FromSeconds(5), $"rights lost after {lostAfter}");
    }

    [Fact]
    public async Task HubConnection_UserDemoted_NextInvocationIsRefused()
    {
        var token = await _app.IssueTokenAsync("editor", "editor passphrase 1");
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(_app.Server.BaseAddress, "hubs/connection-tests"), options =>
            {
                options.HttpMessageHandlerFactory = _ => _app.Server.CreateHandler();
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                options.Transports = HttpTransportType.LongPolling;
            })
            .AddJsonProtocol(options => options.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await hub.StartAsync();
        await hub.InvokeAsync("WatchDestination", Guid.NewGuid());

        await ChangeAsync("demote");
        var refused = await Record.ExceptionAsync(() => hub.InvokeAsync("WatchDestination", Guid.NewGuid()));

        // The server closes the connection as it refuses, so the client sees the refusal or the close, whichever comes first.
        Assert.True(refused is HubException { Message: var message } ? message.Contains("Unauthorized", StringComparison.Ordinal) : refused is TaskCanceledException, $"{refused}");
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HubConnectionState.Disconnected, hub.State);
    }

    // What the framework does when a circuit starts: the circuit's scope gets the connection's user as its
    // authentication state, then the circuit handlers run, then Routes hands over the page request's address.
    private async Task<AsyncServiceScope> OpenCircuitAsync(string userName)
    {
        var circuit = _app.Services.CreateAsyncScope();
        var services = circuit.ServiceProvider;
        var user = await services.GetRequiredService<UserManager<PortalUser>>().FindByNameAsync(userName);
        var principal = await services.GetRequiredService<IUserClaimsPrincipalFactory<PortalUser>>().CreateAsync(user!);
        ((IHostEnvironmentAuthenticationStateProvider)services.GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(principal)));
        var handler = services.GetRequiredService<CircuitCurrentUser>();
        await handler.OnCircuitOpenedAsync(null!, CancellationToken.None);
        handler.UseSourceAddress("127.0.0.1");
        return circuit;
    }

    private static Task<AuthenticationState> NextAuthenticationState(IServiceProvider circuit)
    {
        var next = new TaskCompletionSource<AuthenticationState>(TaskCreationOptions.RunContinuationsAsynchronously);
        circuit.GetRequiredService<AuthenticationStateProvider>().AuthenticationStateChanged += state =>
            state.ContinueWith(t => next.TrySetResult(t.Result), TaskScheduler.Default);
        return next.Task;
    }

    private async Task ChangeAsync(string change)
    {
        var id = await UserIdAsync("editor");
        var result = await _app.WithScopeAsync(s => change == "disable"
            ? s.GetRequiredService<UserAdministration>().SetDisabledAsync(id, disabled: true)
            : s.GetRequiredService<UserAdministration>().ChangeRoleAsync(id, PortalRole.Viewer));
        Assert.True(result.Succeeded, result.Error);
    }

    private Task<string> UserIdAsync(string userName) =>
        _app.WithScopeAsync(async s => (await s.GetRequiredService<UserManager<PortalUser>>().FindByNameAsync(userName))!.Id);
}
