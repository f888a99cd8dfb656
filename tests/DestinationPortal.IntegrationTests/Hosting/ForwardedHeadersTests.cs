using System.Net;
using System.Net.Http.Json;
using DestinationPortal.Core.Auditing;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.IntegrationTests.Hosting;

/// <summary>
/// Issue 14, behind a proxy: X-Forwarded-For and X-Forwarded-Proto count only when they come from a configured proxy.
/// The connection's address is set per request (<see cref="TestRemoteAddress"/>), as the network would set it.
/// </summary>
public sealed class ForwardedHeadersTests : IAsyncLifetime
{
    private const string Proxy = "198.51.100.7";
    private const string ProxyNetwork = "192.0.2.0/24";
    private const string Client = "203.0.113.9";

    private readonly PortalApp _app = new(new Dictionary<string, string?>
    {
        ["Portal:Proxy:KnownProxies:0"] = Proxy,
        ["Portal:Proxy:KnownNetworks:0"] = ProxyNetwork,
        ["Portal:Access:SignInRequestsPerMinute"] = "2",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("127.0.0.1")] // loopback, which ASP.NET trusts unless told otherwise
    [InlineData("198.51.100.8")]
    public async Task UntrustedPeer_ForwardedFor_IsIgnored_TheAuditRowShowsTheSocketAddress(string peer)
    {
        using var client = _app.CreateBrowserClient(peer);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", Client);

        using var response = await PortalApp.PostSignInAsync(client, PortalApp.AdminName, PortalApp.AdminPassword);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(peer, Assert.Single(await SignInRowsAsync()).SourceAddress);
    }

    [Theory]
    [InlineData(Proxy)]
    [InlineData("192.0.2.44")] // inside the configured network
    public async Task TrustedProxy_ForwardedFor_IsTheClient_InTheAuditRow(string proxy)
    {
        using var client = _app.CreateBrowserClient(proxy);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", Client);

        using var response = await PortalApp.PostSignInAsync(client, PortalApp.AdminName, PortalApp.AdminPassword);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(Client, Assert.Single(await SignInRowsAsync()).SourceAddress);
    }

    [Theory]
    [InlineData(Proxy, true)]
    [InlineData("127.0.0.1", false)]
    public async Task ForwardedProtoHttps_MakesTheSessionCookieSecure_OnlyFromATrustedProxy(string peer, bool secure)
    {
        using var client = _app.CreateBrowserClient(peer);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", Client);
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");

        using var response = await PortalApp.PostSignInAsync(client, PortalApp.AdminName, PortalApp.AdminPassword);

        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("DestinationPortal.Session=", StringComparison.Ordinal));
        Assert.Equal(secure, cookie.Contains("; secure", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task SignInRateLimit_KeysByTheForwardedClient_BehindATrustedProxy_AndByThePeerOtherwise()
    {
        // Behind the proxy, three clients get a budget each (2 a minute here): none is refused.
        var behindProxy = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            behindProxy.Add(await TokenRequestAsync(Proxy, $"203.0.113.{20 + i}"));
        }

        // An untrusted peer cannot buy itself new budgets by making up X-Forwarded-For values.
        var untrusted = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            untrusted.Add(await TokenRequestAsync("127.0.0.9", $"203.0.113.{40 + i}"));
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, behindProxy);
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], untrusted);
    }

    [Fact]
    public void NotACidrNetwork_StopsTheStart_NamingTheSetting()
    {
        using var app = new PortalApp(new Dictionary<string, string?> { ["Portal:Proxy:KnownNetworks:0"] = "10.0.0.0/33" });

        // However the host wraps it, the reason reaches the operator naming the setting.
        var refused = Assert.ThrowsAny<Exception>(() => app.Services);

        Assert.Contains("Portal:Proxy:KnownNetworks:0", refused.ToString(), StringComparison.Ordinal);
    }

    private async Task<HttpStatusCode> TokenRequestAsync(string peer, string forwardedFor)
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/tokens")
        {
            Content = JsonContent.Create(new { userName = "admin", password = "a wrong guess" }),
        };
        request.Headers.Add(TestRemoteAddress.HeaderName, peer);
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private Task<List<AuditEntry>> SignInRowsAsync() => _app.WithScopeAsync(async s =>
        (await s.GetRequiredService<AuditTrail>().QueryAsync(new AuditQuery(Action: AuditActions.SignIn, Take: 50))).Items.ToList());
}
