using System.Net;
using System.Net.Http.Headers;
using DestinationPortal.Core.Access;
using DestinationPortal.IntegrationTests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DestinationPortal.IntegrationTests.Access;

/// <summary>
/// Turning <c>LocalSignIn</c> to AdministratorsOnly ends the open password sessions of everyone but administrators at
/// their next revalidation (one second here), while API tokens keep working: the issue wants tokens for users of every kind.
/// </summary>
public sealed class LocalSignInSessionTests : IAsyncLifetime
{
    private const string EditorPassword = "the editor's right passphrase";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly PortalApp _app = new(new Dictionary<string, string?> { ["Portal:Access:RevalidationInterval"] = "00:00:01" });

    public async Task InitializeAsync() => await _app.CreateUserAsync("editor", PortalRole.Editor, EditorPassword);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task AdministratorsOnly_EndsAnEditorsPasswordSession_NotTheAdministratorsNorTheEditorsApiToken()
    {
        using var editor = await _app.SignedInClientAsync("editor", EditorPassword);
        using var admin = await _app.SignedInClientAsync();
        var token = await _app.IssueTokenAsync("editor", EditorPassword);
        // The security-stamp check rebuilds the editor's cookie once before the change: the session must still be known as
        // a password session afterwards.
        await WaitForRebuiltCookieAsync(editor);

        // Stands in for a restart with the new setting: options are read once, and every check reads this one instance.
        _app.Services.GetRequiredService<IOptions<PortalAuthenticationOptions>>().Value.LocalSignIn = LocalSignIn.AdministratorsOnly;

        await WaitUntilSignedOutAsync(editor);
        await WaitForRebuiltCookieAsync(admin);
        Assert.Contains("Manage Destinations", await admin.GetStringAsync("/destinations"));
        using var script = _app.CreateClient();
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/destinations")).StatusCode);
    }

    // A response that sets the session cookie again means the periodic check ran and accepted the session.
    private static async Task WaitForRebuiltCookieAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync("/destinations");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            if (response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("DestinationPortal.Session=", StringComparison.Ordinal)))
            {
                return;
            }

            await Task.Delay(200);
        }

        Assert.Fail("The session cookie was never revalidated.");
    }

    private static async Task WaitUntilSignedOutAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync("/destinations");
            if (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.AbsolutePath == "/account/signin")
            {
                return;
            }

            await Task.Delay(200);
        }

        Assert.Fail("The editor's password session outlived LocalSignIn = AdministratorsOnly.");
    }
}
