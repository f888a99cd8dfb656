using System.Text.Json.Serialization;
using System.Threading.Channels;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.IntegrationTests.Hosting;

/// <summary>The hub contract of docs/api.md, exercised by an external Microsoft.AspNetCore.SignalR.Client against a real server.</summary>
[Collection(PostgreSqlTestGroup.Name)]
public sealed class ConnectionTestHubTests(PostgreSqlServers servers) : IAsyncLifetime
{
    private readonly PortalApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<HubConnection> ConnectAsync(string userName = PortalApp.AdminName, string password = PortalApp.AdminPassword)
    {
        var token = await _app.IssueTokenAsync(userName, password);
        return Connect(token);
    }

    private HubConnection Connect(string? token) => new HubConnectionBuilder()
        .WithUrl(new Uri(_app.Server.BaseAddress, "hubs/connection-tests"), options =>
        {
            options.HttpMessageHandlerFactory = _ => _app.Server.CreateHandler();
            options.AccessTokenProvider = () => Task.FromResult(token);
            options.Transports = HttpTransportType.LongPolling;
        })
        .AddJsonProtocol(options => options.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
        .Build();

    private Task<Guid> SeedAsync(string name = "tls-server") => _app.WithScopeAsync(async services =>
    {
        var result = await services.GetRequiredService<DestinationService>().CreateAsync(new DestinationInput
        {
            Name = name,
            ServerName = "127.0.0.1",
            Port = servers.Tls.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            TlsMode = TlsMode.Require,
            Username = TestRoles.Scram,
            Password = TestRoles.ScramPassword,
            Database = "postgres",
        });
        Assert.Equal(SaveStatus.Saved, result.Status);
        return result.Id!.Value;
    });

    [Fact]
    public async Task TestDestination_StreamsEveryStageInOrderToAnExternalClient()
    {
        var id = await SeedAsync();
        await using var client = await ConnectAsync();
        await client.StartAsync();

        var events = new List<ConnectionTestEvent>();
        await foreach (var item in client.StreamAsync<ConnectionTestEvent>("TestDestination", id))
        {
            events.Add(item);
        }

        var finished = events.Where(e => e.Status != ConnectionTestStatus.Running).Select(e => e.Stage).ToList();
        Assert.Equal(
            [ConnectionTestStage.NameResolution, ConnectionTestStage.TcpConnection, ConnectionTestStage.Tls, ConnectionTestStage.Authentication, ConnectionTestStage.Database, ConnectionTestStage.Result],
            finished);
        Assert.Single(events.Select(e => e.RunId).Distinct());
        Assert.True(events[^1].Outcome!.Succeeded, events[^1].Message);
        Assert.Equal("SCRAM-SHA-256", events.Last(e => e.Stage == ConnectionTestStage.Authentication).Details.First(d => d.Label == "Method requested by the server").Value);
        Assert.True(events.Zip(events.Skip(1)).All(pair => pair.First.ElapsedMilliseconds <= pair.Second.ElapsedMilliseconds));
        Assert.DoesNotContain(events, e => e.ToString().Contains(TestRoles.ScramPassword, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WatchDestination_SeesAnotherCallersRunLive()
    {
        var id = await SeedAsync();
        await using var watcher = await ConnectAsync();
        var seen = Channel.CreateUnbounded<(string StartedBy, ConnectionTestEvent Event)>();
        watcher.On<Guid, string, ConnectionTestEvent>("TestEvent", (destinationId, startedBy, item) =>
        {
            Assert.Equal(id, destinationId);
            seen.Writer.TryWrite((startedBy, item));
        });
        await watcher.StartAsync();
        await watcher.InvokeAsync("WatchDestination", id);
        await using var tester = await ConnectAsync();
        await tester.StartAsync();

        var streamed = new List<ConnectionTestEvent>();
        await foreach (var item in tester.StreamAsync<ConnectionTestEvent>("TestDestination", id))
        {
            streamed.Add(item);
        }

        var watched = new List<ConnectionTestEvent>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (watched.Count < streamed.Count)
        {
            var (startedBy, item) = await seen.Reader.ReadAsync(timeout.Token);
            Assert.Equal(PortalApp.AdminName, startedBy);
            watched.Add(item);
        }

        Assert.Equal(streamed.Select(e => (e.RunId, e.Stage, e.Status, e.Message)), watched.Select(e => (e.RunId, e.Stage, e.Status, e.Message)));
    }

    [Fact]
    public async Task UnwatchDestination_StopsThatDestinationsEvents()
    {
        var unwatched = await SeedAsync("unwatched");
        var watched = await SeedAsync("watched");
        await using var watcher = await ConnectAsync();
        var seen = Channel.CreateUnbounded<(Guid DestinationId, ConnectionTestEvent Event)>();
        watcher.On<Guid, string, ConnectionTestEvent>("TestEvent", (destinationId, _, item) => seen.Writer.TryWrite((destinationId, item)));
        await watcher.StartAsync();
        await watcher.InvokeAsync("WatchDestination", unwatched);
        await watcher.InvokeAsync("WatchDestination", watched);
        await watcher.InvokeAsync("UnwatchDestination", unwatched);
        await using var tester = await ConnectAsync();
        await tester.StartAsync();

        await StreamRunAsync(tester, unwatched);
        var later = await StreamRunAsync(tester, watched);

        // A connection gets its events in the order they were sent: the first ones must be the later run's.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        foreach (var expected in later)
        {
            var (destinationId, item) = await seen.Reader.ReadAsync(timeout.Token);
            Assert.Equal((watched, expected.RunId, expected.Stage, expected.Status), (destinationId, item.RunId, item.Stage, item.Status));
        }
    }

    [Fact]
    public async Task TestDestination_CallerAlsoWatching_IsNotSentItsOwnRunAgain()
    {
        var id = await SeedAsync();
        await using var caller = await ConnectAsync();
        var seen = Channel.CreateUnbounded<(string StartedBy, ConnectionTestEvent Event)>();
        caller.On<Guid, string, ConnectionTestEvent>("TestEvent", (_, startedBy, item) => seen.Writer.TryWrite((startedBy, item)));
        await caller.StartAsync();
        await caller.InvokeAsync("WatchDestination", id);
        var password = await _app.CreateUserAsync("colleague", DestinationPortal.Core.Access.PortalRole.Editor);
        await using var colleague = await ConnectAsync("colleague", password);
        await colleague.StartAsync();

        var own = await StreamRunAsync(caller, id);
        var theirs = await StreamRunAsync(colleague, id);

        // The caller had its own run from its stream; the first event it is sent as a watcher is the colleague's.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var (startedBy, first) = await seen.Reader.ReadAsync(timeout.Token);
        Assert.Equal("colleague", startedBy);
        Assert.Equal(theirs[0].RunId, first.RunId);
        Assert.NotEqual(own[0].RunId, theirs[0].RunId);
    }

    private static async Task<List<ConnectionTestEvent>> StreamRunAsync(HubConnection connection, Guid destinationId)
    {
        var events = new List<ConnectionTestEvent>();
        await foreach (var item in connection.StreamAsync<ConnectionTestEvent>("TestDestination", destinationId))
        {
            events.Add(item);
        }

        Assert.NotNull(events[^1].Outcome);
        return events;
    }

    [Fact]
    public async Task TestDestination_UnknownId_EndsWithAPlainFailure()
    {
        await using var client = await ConnectAsync();
        await client.StartAsync();

        var events = new List<ConnectionTestEvent>();
        await foreach (var item in client.StreamAsync<ConnectionTestEvent>("TestDestination", Guid.NewGuid()))
        {
            events.Add(item);
        }

        var only = Assert.Single(events);
        Assert.Equal(ConnectionTestStage.Result, only.Stage);
        Assert.False(only.Outcome!.Succeeded);
        Assert.Contains("does not exist", only.Message);
    }

    [Fact]
    public async Task TestDestination_RecordsTheOutcomeForTheGridAndHistory()
    {
        var id = await SeedAsync();
        await using var client = await ConnectAsync();
        await client.StartAsync();
        await foreach (var _ in client.StreamAsync<ConnectionTestEvent>("TestDestination", id))
        {
        }

        var (summary, runs) = await _app.WithScopeAsync(async services =>
        {
            var page = await services.GetRequiredService<DestinationService>().ListAsync(new DestinationListQuery());
            var history = await services.GetRequiredService<ConnectionTestHistory>().LatestAsync(id);
            return (page.Items.Single(), history);
        });

        Assert.True(summary.LastTestSucceeded);
        var run = Assert.Single(runs);
        Assert.True(run.Succeeded);
        Assert.False(run.TestedUnsavedChanges);
        Assert.Equal($"127.0.0.1:{servers.Tls.Port}", run.Target);
        Assert.DoesNotContain(TestRoles.ScramPassword, run.ReportText, StringComparison.Ordinal);
    }
}
