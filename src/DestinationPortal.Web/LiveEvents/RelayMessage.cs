using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using DestinationPortal.Core.ConnectionTesting;

namespace DestinationPortal.Web.LiveEvents;

/// <summary>
/// One live test event as it travels between instances on the Redis channel: who sent it (<see cref="Origin"/>, an id
/// made at each start), its place in that instance's stream (<see cref="Sequence"/>, rising by one per event sent, so a
/// receiver drops a repeat or a late arrival and every run keeps its order), and the event itself. The event is what
/// the hub already sends to any signed-in watcher: stage texts and the starter's user name, never a password (the run
/// never puts one in an event). The page or hub connection that started the run stays behind: it means nothing elsewhere.
/// </summary>
internal sealed record RelayMessage(Guid Origin, Guid RunId, long Sequence, Guid DestinationId, string StartedBy, ConnectionTestEvent Event)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static RelayMessage From(Guid origin, long sequence, LiveTestEvent live) =>
        new(origin, live.Event.RunId, sequence, live.DestinationId, live.StartedBy, live.Event);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>False for anything that is not a whole, consistent message (another program on the channel, a newer format).</summary>
    public static bool TryParse(string? json, [NotNullWhen(true)] out RelayMessage? message)
    {
        message = null;
        if (string.IsNullOrEmpty(json))
        {
            return false;
        }

        try
        {
            message = JsonSerializer.Deserialize<RelayMessage>(json, Json);
        }
        catch (JsonException)
        {
            return false;
        }

        // Deserialisation does not enforce non-nullable members; a message missing one must not reach a watcher.
        if (message is not { StartedBy: not null, Event: { Message: not null, Details: not null } } || message.Event.RunId != message.RunId)
        {
            message = null;
            return false;
        }

        return true;
    }

    public LiveTestEvent ToLiveEvent() => new(DestinationId, StartedBy, Event);
}
