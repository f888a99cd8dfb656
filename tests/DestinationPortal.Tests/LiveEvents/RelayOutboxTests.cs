using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Web.LiveEvents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Tests.LiveEvents;

/// <summary>How a run's events are handed to the relay: after local delivery, at once, bounded.</summary>
public sealed class RelayOutboxTests
{
    private static LiveTestEvent Event(int n) => new(
        Guid.NewGuid(), "alice", new ConnectionTestEvent(Guid.NewGuid(), ConnectionTestStage.TcpConnection, ConnectionTestStatus.Running, "step " + n, [], n));

    private static RelayOutbox Outbox(string? configuration, ILogger<RelayOutbox>? logger = null) =>
        new(Options.Create(new PortalRedisOptions { Configuration = configuration }), logger ?? NullLogger<RelayOutbox>.Instance);

    [Fact]
    public void WithoutRedis_NothingIsKept()
    {
        var outbox = Outbox(null);

        outbox.Offer(Event(1));

        Assert.False(outbox.Reader.TryRead(out _));
    }

    [Fact]
    public void RedisAway_TheOldestAreDroppedAndCounted_OneWarning_TheRunNeverWaits()
    {
        var logger = new CountingLogger();
        var outbox = Outbox("127.0.0.1:1", logger);

        // Nobody reads (the relay is stuck on Redis): Offer still returns at once every time.
        for (var n = 0; n < RelayOutbox.Capacity + 10; n++)
        {
            outbox.Offer(Event(n));
        }

        Assert.Equal(10, outbox.Dropped);
        Assert.Equal(1, logger.Warnings);
        Assert.True(outbox.Reader.TryRead(out var oldestKept));
        Assert.Equal("step 10", oldestKept.Event.Message);
    }

    [Fact]
    public void Broadcaster_OffersLocalRunsAfterDelivery_NeverOtherInstancesRuns()
    {
        var outbox = Outbox("127.0.0.1:1");
        var broadcaster = new ConnectionTestBroadcaster(NullLogger<ConnectionTestBroadcaster>.Instance, outbox);
        var local = Event(1);

        broadcaster.Publish(local);
        broadcaster.PublishFromAnotherInstance(Event(2));

        Assert.True(outbox.Reader.TryRead(out var offered));
        Assert.Same(local, offered);
        Assert.False(outbox.Reader.TryRead(out _));
    }

    private sealed class CountingLogger : ILogger<RelayOutbox>
    {
        public int Warnings { get; private set; }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                Warnings++;
            }
        }
    }
}
