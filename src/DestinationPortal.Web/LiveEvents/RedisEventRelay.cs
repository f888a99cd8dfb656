using DestinationPortal.Core.ConnectionTesting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace DestinationPortal.Web.LiveEvents;

/// <summary>
/// Live test events between the portal's instances over one Redis pub/sub channel: sends this instance's runs from the
/// <see cref="RelayOutbox"/>, and hands the other instances' runs to the local <see cref="ConnectionTestBroadcaster"/>,
/// which reaches this instance's tabs and hub groups alike. Deliberately not SignalR's Redis backplane: that one carries
/// Blazor's circuit hub too, and a Redis outage would then break every open page (dotnet/aspnetcore#58971). Redis is
/// off every run's path: a slow or absent Redis costs other instances' watchers some events, never a run its time.
/// </summary>
public sealed class RedisEventRelay(
    IOptions<PortalRedisOptions> options,
    RelayOutbox outbox,
    ConnectionTestBroadcaster broadcaster,
    ILogger<RedisEventRelay> logger) : BackgroundService
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("portal:test-events");

    // A hung Redis must not hold the send loop for the library's own 5 s timeout per event.
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ResubscribeDelay = TimeSpan.FromSeconds(1);

    private volatile ConnectionMultiplexer? _connection;
    private long _sequence;
    private int _down;

    /// <summary>Made at each start, so a restarted instance's sequence starts afresh without looking like a replay.</summary>
    public Guid InstanceId { get; } = Guid.NewGuid();

    /// <summary>Null until the first connection attempt ended (or without Redis configured).</summary>
    public IConnectionMultiplexer? Connection => _connection;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.IsConfigured)
        {
            return;
        }

        // With AbortOnConnectFail off this returns with Redis down too and keeps connecting in the background.
        var connection = await ConnectionMultiplexer.ConnectAsync(options.Value.ToRedisOptions());
        if (stoppingToken.IsCancellationRequested)
        {
            await connection.DisposeAsync();
            return;
        }

        connection.ConnectionFailed += OnConnectionFailed;
        connection.ConnectionRestored += OnConnectionRestored;
        _connection = connection;
        if (!connection.IsConnected)
        {
            OnConnectionFailed(this, null);
        }

        await Task.WhenAll(SendAsync(connection, stoppingToken), ReceiveAsync(connection, stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_connection is { } connection)
        {
            await connection.CloseAsync(allowCommandsToComplete: false);
            await connection.DisposeAsync();
        }
    }

    private async Task SendAsync(ConnectionMultiplexer connection, CancellationToken stoppingToken)
    {
        var subscriber = connection.GetSubscriber();
        try
        {
            await foreach (var live in outbox.Reader.ReadAllAsync(stoppingToken))
            {
                var json = RelayMessage.From(InstanceId, ++_sequence, live).ToJson();
                try
                {
                    await subscriber.PublishAsync(Channel, json).WaitAsync(SendTimeout, stoppingToken);
                    outbox.Recovered();
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    // Disconnected (fails at once: BacklogPolicy.FailFast) or hung: this event is lost to the others.
                    outbox.CountUnsent(live);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is still waiting would reach watchers of an instance that is going away anyway.
        }
    }

    private async Task ReceiveAsync(ConnectionMultiplexer connection, CancellationToken stoppingToken)
    {
        try
        {
            var receiver = new RelayReceiver(logger);
            var queue = await SubscribeAsync(connection, stoppingToken);
            // One queue, read in order: the library keeps the subscription across reconnects.
            await foreach (var message in queue.WithCancellation(stoppingToken))
            {
                if (receiver.Accept(message.Message, InstanceId) is { } live)
                {
                    broadcaster.PublishFromAnotherInstance(live);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static async Task<ChannelMessageQueue> SubscribeAsync(ConnectionMultiplexer connection, CancellationToken stoppingToken)
    {
        var subscriber = connection.GetSubscriber();
        while (true)
        {
            // Redis down at start-up: other instances' runs are not seen here until it answers.
            while (!connection.IsConnected)
            {
                await Task.Delay(ResubscribeDelay, stoppingToken);
            }

            try
            {
                return await subscriber.SubscribeAsync(Channel);
            }
            catch (RedisException)
            {
                // The library registers the queue before asking the server and keeps it after a failure; left there,
                // it would collect every later message unread. Unsubscribing drops it here even if the server is gone.
                try
                {
                    await subscriber.UnsubscribeAsync(Channel);
                }
                catch (RedisException)
                {
                }

                await Task.Delay(ResubscribeDelay, stoppingToken);
            }
        }
    }

    // Endpoint and failure kind only: the exception's text may quote the configuration.
    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs? failure)
    {
        if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            logger.LogWarning(
                "Redis is unreachable ({Endpoint}, {FailureType}): live test events do not reach the other portal instances until it is back; tests run as usual",
                failure?.EndPoint?.ToString() ?? "no connection yet",
                failure?.FailureType.ToString() ?? "UnableToConnect");
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs restored)
    {
        if (Interlocked.Exchange(ref _down, 0) == 1)
        {
            logger.LogInformation("Redis is reachable again ({Endpoint}): live test events reach the other portal instances", restored.EndPoint?.ToString());
        }
    }
}
