using System.Net;
using DestinationPortal.IntegrationTests.Hosting;

namespace DestinationPortal.IntegrationTests.Oidc;

/// <summary>
/// A browser stand-in for the sign-in journey across two sites: the portal (in memory) and the provider (real HTTP on
/// loopback), each with its own cookies, following every redirect by hand so a test can see (and tamper with) each hop.
/// </summary>
internal sealed class OidcBrowser : IDisposable
{
    private readonly HttpClient _provider = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true });

    public OidcBrowser(PortalApp app) => Portal = app.CreateBrowserClient();

    public HttpClient Portal { get; }

    /// <summary>
    /// Presses "Sign in with …", lets the provider sign in its person at the keyboard and follows the way back; returns
    /// the portal's last answer (the hop page on success, a redirect to the refusal page otherwise).
    /// <paramref name="tamper"/> may rewrite the provider's redirect back to the portal.
    /// </summary>
    public async Task<HttpResponseMessage> SignInAsync(string returnUrl = "/destinations", Func<Uri, Uri>? tamper = null)
    {
        var page = await Portal.GetStringAsync("/account/signin");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = PortalApp.AntiforgeryToken(page) });
        using var challenge = await Portal.PostAsync($"/account/external/signin?returnUrl={Uri.EscapeDataString(returnUrl)}", form);
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);

        using var authorize = await _provider.GetAsync(challenge.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        var back = authorize.Headers.Location!;
        Assert.Equal("/signin-oidc", back.AbsolutePath);

        var callback = await Portal.GetAsync(tamper is null ? back : tamper(back));
        if (callback.StatusCode != HttpStatusCode.Redirect || callback.Headers.Location!.OriginalString.StartsWith("/account/external/refused", StringComparison.Ordinal))
        {
            return callback;
        }

        using (callback)
        {
            return await Portal.GetAsync(callback.Headers.Location);
        }
    }

    /// <summary>Follows a redirect the portal sent to the provider (the browser's next hop there), with the provider's cookies.</summary>
    public Task<HttpResponseMessage> AtProviderAsync(Uri location) => _provider.GetAsync(location);

    public void Dispose()
    {
        _provider.Dispose();
        Portal.Dispose();
    }
}
