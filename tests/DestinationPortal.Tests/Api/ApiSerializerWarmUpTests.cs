using System.Text.Json;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Web.Api;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Tests.Api;

/// <summary>
/// The API's serializer metadata for a Test Connection's answer is built by the warm-up after a start (issue 16), so it must
/// be built on the API's own options instance (metadata is cached per instance) and cover every member of the answer.
/// </summary>
public sealed class ApiSerializerWarmUpTests
{
    [Fact]
    public async Task WarmUp_UsesTheApisOwnSerializerOptions()
    {
        var options = new JsonOptions();
        DestinationJson.Configure(options.SerializerOptions);

        await new ApiSerializerWarmUp(Options.Create(options)).WarmUpAsync(CancellationToken.None);

        // Options become read-only once the serializer has used them, and only then.
        Assert.True(options.SerializerOptions.IsReadOnly);
    }

    [Fact]
    public void Sample_SetsEveryMemberOfTheAnswer()
    {
        var options = new JsonOptions().SerializerOptions;
        DestinationJson.Configure(options);

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(ApiSerializerWarmUp.Sample(), options));

        // A member that is null (or an empty list) everywhere would leave its type's converter unbuilt: each member has a
        // value somewhere in the answer (only the last event carries the outcome, as in a real answer).
        var members = Members(json.RootElement, "$").ToList();
        Assert.Empty(members.GroupBy(m => m.Path).Where(g => g.All(m => m.Empty)).Select(g => g.Key));
    }

    private static IEnumerable<(string Path, bool Empty)> Members(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.Null => [(path, true)],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Members(p.Value, $"{path}.{p.Name}")).Prepend((path, false)),
        JsonValueKind.Array => element.GetArrayLength() == 0
            ? [(path, true)]
            : element.EnumerateArray().SelectMany(e => Members(e, path + "[]")).Prepend((path, false)),
        _ => [(path, false)],
    };
}
