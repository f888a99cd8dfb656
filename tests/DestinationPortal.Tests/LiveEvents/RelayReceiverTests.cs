using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Web.LiveEvents;
using Microsoft.Extensions.Logging.Abstractions;

namespace DestinationPortal.Tests.LiveEvents;

/// <summary>What a receiving instance lets through to its watchers: others' events, each once, in order.</summary>
public sealed class RelayReceiverTests
{
    private static readonly Guid Self = Guid.NewGuid();
    private static readonly Guid Other = Guid.NewGuid();
    private static readonly Guid Destination = Guid.NewGuid();
    private readonly RelayReceiver _receiver = new(NullLogger.Instance);

    private static string Message(Guid origin, long sequence, string text = "step")
    {
        var item = new ConnectionTestEvent(Guid.NewGuid(), ConnectionTestStage.Tls, ConnectionTestStatus.Succeeded, text, [new("Protocol", "TLS 1.3")], 12);
        return RelayMessage.From(origin, sequence, new LiveTestEvent(Destination, "alice", item, Origin: "page-1")).ToJson();
    }

    [Fact]
    public void AnotherInstancesEvent_ArrivesWhole_WithoutTheStartingPage()
    {
        var live = _receiver.Accept(Message(Other, 1, "TLS 1.3 negotiated"), Self);

        Assert.NotNull(live);
        Assert.Equal((Destination, "alice", "TLS 1.3 negotiated", ConnectionTestStage.Tls), (live.DestinationId, live.StartedBy, live.Event.Message, live.Event.Stage));
        Assert.Equal(new ConnectionTestDetail("Protocol", "TLS 1.3"), Assert.Single(live.Event.Details));
        // The page that started it exists on the sending instance only.
        Assert.Null(live.Origin);
    }

    [Fact]
    public void OwnEvents_AreNotTakenBack() => Assert.Null(_receiver.Accept(Message(Self, 1), Self));

    [Fact]
    public void ARepeatOrALateArrival_IsDropped_ANewerOneTaken()
    {
        Assert.NotNull(_receiver.Accept(Message(Other, 5), Self));

        Assert.Null(_receiver.Accept(Message(Other, 5), Self));
        Assert.Null(_receiver.Accept(Message(Other, 4), Self));
        Assert.NotNull(_receiver.Accept(Message(Other, 7), Self));
        // Each instance counts for itself.
        Assert.NotNull(_receiver.Accept(Message(Guid.NewGuid(), 1), Self));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"origin\":\"6f1c7c1e-5b0a-4d4e-9a55-0c1a2b3c4d5e\",\"sequence\":1}")]
    public void AnythingElseOnTheChannel_IsIgnored(string payload) => Assert.Null(_receiver.Accept(payload, Self));
}
