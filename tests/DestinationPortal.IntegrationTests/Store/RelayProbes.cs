using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.IntegrationTests.Hosting;
using DestinationPortal.Web.LiveEvents;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace DestinationPortal.IntegrationTests.Store;

/// <summary>What one watcher (a tab's broadcaster subscription, a hub client) was sent, in order.</summary>
internal sealed class WatchedEvents
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly Channel<ConnectionTestEvent> _events = Channel.CreateUnbounded<ConnectionTestEvent>();

    public Task Add(ConnectionTestEvent item)
    {
        _events.Writer.TryWrite(item);
        return Task.CompletedTask;
    }

    /// <summary>Everything sent until the <paramref name="runs"/>th Result; fails after a generous limit.</summary>
    public async Task<List<ConnectionTestEvent>> UntilResultsAsync(int runs)
    {
        var seen = new List<ConnectionTestEvent>();
        using var limit = new CancellationTokenSource(Limit);
        while (seen.Count(e => e.Outcome is not null) < runs)
        {
            seen.Add(await _events.Reader.ReadAsync(limit.Token));
        }

        return seen;
    }

    /// <summary>What a watcher can tell apart: the same events in the same order compare equal.</summary>
    public static IEnumerable<(Guid, ConnectionTestStage, ConnectionTestStatus, string, long, int)> Shape(IEnumerable<ConnectionTestEvent> events) =>
        events.Select(e => (e.RunId, e.Stage, e.Status, e.Message, e.ElapsedMilliseconds, e.Details.Count));
}

/// <summary>A test's own connection to the relay's Redis: counts subscribers, and keeps every message on the channel.</summary>
internal sealed class RedisChannelSpy : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _connection;

    private RedisChannelSpy(ConnectionMultiplexer connection) => _connection = connection;

    public ConcurrentQueue<string> Messages { get; } = new();

    public static async Task<RedisChannelSpy> StartAsync(RedisServer redis)
    {
        var spy = new RedisChannelSpy(await ConnectionMultiplexer.ConnectAsync(redis.Configuration));
        var queue = await spy._connection.GetSubscriber().SubscribeAsync(RedisEventRelay.Channel);
        queue.OnMessage(message => spy.Messages.Enqueue(message.Message!));
        return spy;
    }

    public Task PublishAsync(string message) => _connection.GetSubscriber().PublishAsync(RedisEventRelay.Channel, message);

    /// <summary>The messages so far, once <paramref name="done"/> says they are enough; fails after a generous limit.</summary>
    public async Task<string[]> WaitForAsync(Func<string[], bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string[] messages;
        while (!done(messages = [.. Messages]))
        {
            Assert.True(DateTime.UtcNow < deadline, $"The channel carried {messages.Length} messages, not what the test waits for.");
            await Task.Delay(20);
        }

        return messages;
    }

    /// <summary>Waits until <paramref name="count"/> connections listen on the channel (the instances' relays and this spy).</summary>
    public async Task WaitForSubscribersAsync(int count)
    {
        var server = _connection.GetServer(_connection.GetEndPoints()[0]);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await server.SubscriptionSubscriberCountAsync(RedisEventRelay.Channel) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Fewer than {count} subscribers on the relay channel.");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}

internal static class RelayHub
{
    /// <summary>A hub client of <paramref name="app"/> that records every TestEvent it is sent for watched destinations.</summary>
    public static async Task<(HubConnection Connection, WatchedEvents Events)> WatchAsync(PortalApp app, Guid destinationId)
    {
        var token = await app.IssueTokenAsync();
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, "hubs/connection-tests"), options =>
            {
                options.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                options.Transports = HttpTransportType.LongPolling;
            })
            .AddJsonProtocol(options => options.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        var events = new WatchedEvents();
        connection.On<Guid, string, ConnectionTestEvent>("TestEvent", (destination, _, item) => destination == destinationId ? events.Add(item) : Task.CompletedTask);
        await connection.StartAsync();
        await connection.InvokeAsync("WatchDestination", destinationId);
        return (connection, events);
    }
}
