using System.Text.Json;
using DestinationPortal.Core.ConnectionTesting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Web.Api;

/// <summary>
/// Builds System.Text.Json's metadata for a Test Connection's answer (<see cref="ConnectionTestResponse"/>) on the API's own
/// serializer options, by writing a made-up answer nowhere. The API's first test after a start otherwise built it on
/// the caller's time: 35 of that test's 250 ms in a sampled trace in issue 16 (reflection over every property, and the
/// accessors it emits).
/// </summary>
internal sealed class ApiSerializerWarmUp(IOptions<JsonOptions> json) : IFirstUseWarmUpStep
{
    public async Task WarmUpAsync(CancellationToken cancellationToken) =>
        await JsonSerializer.SerializeAsync(Stream.Null, Sample(), json.Value.SerializerOptions, cancellationToken);

    /// <summary>An answer with every member set, so each property's converter is built, nullable ones included.</summary>
    internal static ConnectionTestResponse Sample()
    {
        var outcome = new ConnectionTestOutcome(false, ConnectionTestStage.Tls, ConnectionTestCategory.Tls, "warm-up", "ServerName", "08000", 1);
        var runId = Guid.Empty;
        ConnectionTestEvent[] events =
        [
            new(runId, ConnectionTestStage.Tls, ConnectionTestStatus.Failed, "warm-up", [new ConnectionTestDetail("warm-up", "warm-up")], 1),
            new(runId, ConnectionTestStage.Result, ConnectionTestStatus.Failed, "warm-up", [], 1, outcome),
        ];
        return new ConnectionTestResponse(runId, false, outcome, events, "warm-up");
    }
}
