using System.Text.Json;
using System.Text.Json.Serialization;
using DestinationPortal.Core.Destinations;

namespace DestinationPortal.ConnectionTestHost;

/// <summary>What the host reads on stdin (one request) and how it writes events (one JSON object per line on stdout).</summary>
public static class HostProtocol
{
    public const string TestCommand = "test";
    public const string IdentityCommand = "identity";

    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
}

public sealed record HostRequest(DestinationDefinition Destination, string? Password);
