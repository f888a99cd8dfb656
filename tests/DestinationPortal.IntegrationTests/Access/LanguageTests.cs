using System.Net;
using DestinationPortal.Core.Access;
using DestinationPortal.IntegrationTests.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.IntegrationTests.Access;

/// <summary>The portal's language: saved on the user, switched by a form post, defaulting from the browser at the first sign-in.</summary>
public sealed class LanguageTests : IAsyncLifetime
{
    private readonly PortalApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task FirstSignIn_SavesTheBrowsersLanguage_WhichThenWinsOverTheBrowser()
    {
        await _app.CreateUserAsync("gisela", PortalRole.Editor, Password);
        using var client = _app.CreateBrowserClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("de-AT");
        Assert.Null(await LanguageOfAsync("gisela"));
        using (var first = await PortalApp.PostSignInAsync(client, "gisela", Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        }

        Assert.Equal("de", await LanguageOfAsync("gisela"));

        // Signed in again from an English browser: the saved language, not the browser's.
        using var english = _app.CreateBrowserClient();
        english.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-US");
        using (var signIn = await PortalApp.PostSignInAsync(english, "gisela", Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        var page = await english.GetStringAsync("/destinations");
        Assert.Contains("<html lang=\"de\"", page);
        Assert.Contains("Abmelden", page);
    }

    [Fact]
    public async Task TheSwitch_SavesTheChoiceOnTheUser_AndTheNextPageSpeaksIt()
    {
        using var client = await _app.SignedInClientAsync();
        var page = await client.GetStringAsync("/destinations");
        Assert.Contains("<html lang=\"en\"", page);

        using var response = await PostSwitchAsync(client, PortalApp.AntiforgeryToken(page), "de", "/audit");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/audit", response.Headers.Location!.OriginalString);
        Assert.Equal("de", await LanguageOfAsync(PortalApp.AdminName));
        var german = await client.GetStringAsync("/destinations");
        Assert.Contains("<html lang=\"de\"", german);
        Assert.Contains("Abmelden", german);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    public async Task TheSwitch_DoesNotFollowAForeignReturnUrl(string returnUrl)
    {
        using var client = await _app.SignedInClientAsync();
        var page = await client.GetStringAsync("/destinations");

        using var response = await PostSwitchAsync(client, PortalApp.AntiforgeryToken(page), "de", returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/destinations", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task TheSwitch_WithoutAntiforgery_IsRefusedAndChangesNothing()
    {
        using var client = await _app.SignedInClientAsync();
        var before = await LanguageOfAsync(PortalApp.AdminName);

        using var response = await PostSwitchAsync(client, antiforgery: null, "de", "/destinations");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await LanguageOfAsync(PortalApp.AdminName));
        Assert.Contains("<html lang=\"en\"", await client.GetStringAsync("/destinations"));
    }

    [Fact]
    public async Task SignedOut_TheSwitchOnTheSignInPage_IsRememberedByACookie()
    {
        using var client = _app.CreateBrowserClient();
        var page = await client.GetStringAsync("/account/signin");
        Assert.Contains("<html lang=\"en\"", page);

        using var response = await PostSwitchAsync(client, PortalApp.AntiforgeryToken(page), "de", "/account/signin");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("<html lang=\"de\"", await client.GetStringAsync("/account/signin"));
    }

    private const string Password = "gisela's own long passphrase";

    private static async Task<HttpResponseMessage> PostSwitchAsync(HttpClient client, string? antiforgery, string language, string returnUrl)
    {
        var fields = new Dictionary<string, string> { ["language"] = language, ["returnUrl"] = returnUrl };
        if (antiforgery is not null)
        {
            fields["__RequestVerificationToken"] = antiforgery;
        }

        using var form = new FormUrlEncodedContent(fields);
        return await client.PostAsync("/account/language", form);
    }

    private Task<string?> LanguageOfAsync(string userName) =>
        _app.WithScopeAsync(async services => (await services.GetRequiredService<UserManager<PortalUser>>().FindByNameAsync(userName))?.Language);
}
