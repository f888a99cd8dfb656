using System.Net;
using DestinationPortal.IntegrationTests.Hosting;

namespace DestinationPortal.IntegrationTests.Access;

/// <summary>The sign-in page is rendered on the server without a circuit: its words, and its form messages, follow the request's language.</summary>
public sealed class AccountPageLanguageTests : IAsyncLifetime
{
    private readonly PortalApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task SignInPage_ForAGermanBrowser_IsInGerman()
    {
        using var client = _app.CreateBrowserClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("de-DE");

        var page = await client.GetStringAsync("/account/signin");

        Assert.Contains("<html lang=\"de\"", page);
        Assert.Contains("<h1>Anmelden</h1>", page);
        Assert.Contains("<label for=\"username\">Benutzername</label>", page);
        Assert.Contains("<label for=\"password\">Kennwort</label>", page);
        Assert.Contains("<title>Anmelden · Destination Portal</title>", page);
        Assert.DoesNotContain("User name", page);
    }

    [Fact]
    public async Task FailedSignIn_ForAGermanBrowser_SaysWhyInGerman()
    {
        using var client = _app.CreateBrowserClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("de-AT");

        using var response = await PortalApp.PostSignInAsync(client, PortalApp.AdminName, "a wrong guess");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("Benutzername oder Kennwort ist falsch, oder das Konto ist deaktiviert.", page);
        Assert.DoesNotContain("The user name or password is wrong", page);
    }

    [Fact]
    public async Task EmptySignInForm_ForAGermanBrowser_AsksForTheFieldsInGerman()
    {
        using var client = _app.CreateBrowserClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("de");

        using var response = await PortalApp.PostSignInAsync(client, "", "");

        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("Geben Sie Ihren Benutzernamen ein.", page);
        Assert.Contains("Geben Sie Ihr Kennwort ein.", page);
    }

    [Fact]
    public async Task FailedSignIn_ForAnEnglishBrowser_StaysInEnglish()
    {
        using var client = _app.CreateBrowserClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-GB");

        using var response = await PortalApp.PostSignInAsync(client, PortalApp.AdminName, "a wrong guess");

        Assert.Contains("The user name or password is wrong, or the account is disabled.", await response.Content.ReadAsStringAsync());
    }
}
