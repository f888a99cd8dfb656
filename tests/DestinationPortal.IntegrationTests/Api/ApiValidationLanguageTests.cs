using System.Net;
using System.Text.Json.Nodes;

namespace DestinationPortal.IntegrationTests.Api;

/// <summary>
/// Core's validation messages reach an API caller in the caller's language, under the same JSON property keys: the
/// request's culture is what the validator and the field labels read.
/// </summary>
public sealed class ApiValidationLanguageTests(ApiPortal portal) : IClassFixture<ApiPortal>
{
    [Fact]
    public async Task CreateInvalid_InGermanAndEnglish_SameKeysMessagesInTheCallersLanguage()
    {
        var body = ApiHelpers.Body(ApiHelpers.UniqueName(), server: "", port: 0);

        var (englishStatus, english) = await PostAsync(body, "en-GB");
        var (germanStatus, german) = await PostAsync(body, "de-DE,de;q=0.9");

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (englishStatus, germanStatus));
        Assert.Equal(english["errors"]!.AsObject().Select(p => p.Key).Order(), german["errors"]!.AsObject().Select(p => p.Key).Order());
        Assert.Equal(["Server Name is required."], english.ErrorsFor("serverName"));
        Assert.Equal(["Servername ist erforderlich."], german.ErrorsFor("serverName"));
        Assert.Equal(["Port must be a whole number from 1 to 65535."], english.ErrorsFor("port"));
        Assert.Equal(["Port muss eine ganze Zahl von 1 bis 65535 sein."], german.ErrorsFor("port"));
    }

    private async Task<(HttpStatusCode Status, JsonObject Problem)> PostAsync(JsonObject body, string acceptLanguage)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/destinations") { Content = ApiHelpers.JsonContent(body.ToJsonString()) };
        request.Headers.AcceptLanguage.ParseAdd(acceptLanguage);
        using var response = await portal.Editor.SendAsync(request);
        return (response.StatusCode, await response.ReadObjectAsync());
    }
}
