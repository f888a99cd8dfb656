using System.Net;
using System.Text.Json.Nodes;
using DestinationPortal.Core.Access;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.IntegrationTests.Api;

/// <summary>
/// The API's problem texts follow the caller's language (the token owner's, else Accept-Language); what scripts parse
/// (status, type, property names, the keys under errors) is the same in every language.
/// </summary>
public sealed class ApiLanguageTests(ApiPortal portal) : IClassFixture<ApiPortal>
{
    [Fact]
    public async Task NotFound_InGermanAndEnglish_SameShapeDifferentWords()
    {
        var url = $"/api/destinations/{Guid.NewGuid()}";

        var (englishStatus, english) = await SendAsync(portal.Viewer, HttpMethod.Get, url, "en-GB");
        var (germanStatus, german) = await SendAsync(portal.Viewer, HttpMethod.Get, url, "de-AT,de;q=0.9");

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (englishStatus, germanStatus));
        AssertSameShape(english, german);
        Assert.Equal("Not found", english["title"]!.GetValue<string>());
        Assert.Equal("Nicht gefunden", german["title"]!.GetValue<string>());
        Assert.StartsWith("Keine Destination hat die ID", german["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidQuery_InGermanAndEnglish_SameErrorKeysDifferentMessages()
    {
        const string url = "/api/destinations?sort=colour&skip=-1&take=501";

        var (_, english) = await SendAsync(portal.Viewer, HttpMethod.Get, url, "en");
        var (germanStatus, german) = await SendAsync(portal.Viewer, HttpMethod.Get, url, "de");

        Assert.Equal(HttpStatusCode.BadRequest, germanStatus);
        AssertSameShape(english, german);
        Assert.Equal(["skip", "sort", "take"], german["errors"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["take must be from 1 to 500."], english.ErrorsFor("take"));
        Assert.Equal(["take muss zwischen 1 und 500 liegen."], german.ErrorsFor("take"));
        Assert.Equal("Die Abfrage ist nicht gültig.", german["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task BodyThatIsNotJson_InGerman_IsWordedInGermanByTheExceptionHandler()
    {
        var (_, english) = await SendAsync(portal.Editor, HttpMethod.Post, "/api/destinations", "en", "{\"name\": ");
        var (germanStatus, german) = await SendAsync(portal.Editor, HttpMethod.Post, "/api/destinations", "de", "{\"name\": ");

        Assert.Equal(HttpStatusCode.BadRequest, germanStatus);
        AssertSameShape(english, german);
        Assert.Equal("The body is not valid JSON.", english["title"]!.GetValue<string>());
        Assert.Equal("Der Anfragetext ist kein gültiges JSON.", german["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task NoToken_InGerman_FrameworkStatusTitleIsGerman()
    {
        using var anonymous = portal.App.CreateClient();

        var (_, english) = await SendAsync(anonymous, HttpMethod.Get, "/api/destinations", "en");
        var (germanStatus, german) = await SendAsync(anonymous, HttpMethod.Get, "/api/destinations", "de");

        Assert.Equal(HttpStatusCode.Unauthorized, germanStatus);
        AssertSameShape(english, german);
        Assert.Equal("Unauthorized", english["title"]!.GetValue<string>());
        Assert.Equal("Nicht angemeldet", german["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task TokenOwnerChoseGerman_AcceptLanguageEnglish_AnswersInGerman()
    {
        const string password = "german passphrase 1";
        await portal.App.CreateUserAsync("deutsch", PortalRole.Viewer, password);
        await portal.App.WithScopeAsync(async s =>
        {
            var users = s.GetRequiredService<UserManager<PortalUser>>();
            var user = (await users.FindByNameAsync("deutsch"))!;
            user.Language = "de";
            return (await users.UpdateAsync(user)).Succeeded;
        });
        using var client = await portal.App.ApiClientAsync("deutsch", password);

        var (_, problem) = await SendAsync(client, HttpMethod.Get, $"/api/destinations/{Guid.NewGuid()}", "en-US,en;q=0.9");

        Assert.Equal("Nicht gefunden", problem["title"]!.GetValue<string>());
    }

    private static void AssertSameShape(JsonObject english, JsonObject german)
    {
        Assert.Equal(english.Select(p => p.Key).Order(StringComparer.Ordinal), german.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(english["type"]?.GetValue<string>(), german["type"]?.GetValue<string>());
        Assert.Equal(english["status"]!.GetValue<int>(), german["status"]!.GetValue<int>());
        Assert.NotEqual(english["title"]!.GetValue<string>(), german["title"]!.GetValue<string>());
    }

    private static async Task<(HttpStatusCode Status, JsonObject Problem)> SendAsync(HttpClient client, HttpMethod method, string url, string acceptLanguage, string? json = null)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.AcceptLanguage.ParseAdd(acceptLanguage);
        if (json is not null)
        {
            request.Content = ApiHelpers.JsonContent(json);
        }

        using var response = await client.SendAsync(request);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, await response.ReadObjectAsync());
    }
}
