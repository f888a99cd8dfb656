using System.Net;
using DestinationPortal.Core.Auditing;
using DestinationPortal.IntegrationTests.Api;
using DestinationPortal.IntegrationTests.Hosting;

namespace DestinationPortal.IntegrationTests.Access;

/// <summary>
/// What a page of another origin can make a signed-in browser do (T12): nothing that changes or runs anything through
/// the API, and no circuit or hub under a Host the portal does not serve. Scripts with a bearer token are not affected.
/// Responses with data are never stored by a cache.
/// </summary>
public sealed class CrossOriginTests : IAsyncLifetime
{
    private readonly PortalApp _app = new();
    private HttpClient _browser = null!;
    private HttpClient _script = null!;
    private Guid _id;

    public async Task InitializeAsync()
    {
        _browser = await _app.SignedInClientAsync();
        _script = await _app.ApiClientAsync(PortalApp.AdminName, PortalApp.AdminPassword);
        // A closed loopback port: a test that does run ends quickly, and either way it is audited.
        _id = (await _script.CreateAsync(ApiHelpers.Body(ApiHelpers.UniqueName("origin"), "127.0.0.1", FreePort.Next()))).Id;
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        _script.Dispose();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("Origin", "http://evil.example")]
    [InlineData("Origin", "http://localhost:8443")]
    [InlineData("Origin", "null")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    public async Task CookiePost_FromAnotherOrigin_ToCopyAndTest_Is403_AndNothingIsCopiedOrRun(string header, string value)
    {
        var before = await DestinationCountAsync();

        using var copy = await SendAsync(_browser, HttpMethod.Post, $"/api/destinations/{_id}/copy", (header, value));
        using var test = await SendAsync(_browser, HttpMethod.Post, $"/api/destinations/{_id}/test", (header, value));

        copy.AssertProblem(HttpStatusCode.Forbidden);
        test.AssertProblem(HttpStatusCode.Forbidden);
        Assert.Equal(before, await DestinationCountAsync());
        var audit = await _app.AuditAsync();
        Assert.DoesNotContain(audit, e => e.Action is AuditActions.DestinationTested or AuditActions.DestinationCopied);
        Assert.Equal(2, audit.Count(e => e.Action == AuditActions.AccessDenied && e.UserName == PortalApp.AdminName && e.Details!.StartsWith("cross-origin POST", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task CookieRequests_FromAnotherOrigin_ToUpdateDeleteAndImport_Are403_AndChangeNothing()
    {
        var foreign = ("Origin", "http://evil.example");
        using var update = await SendAsync(_browser, HttpMethod.Put, $"/api/destinations/{_id}", foreign, ApiHelpers.Body("renamed by evil").ToJsonString());
        using var delete = await SendAsync(_browser, HttpMethod.Delete, $"/api/destinations/{_id}", foreign);
        using var import = await SendAsync(_browser, HttpMethod.Post, "/api/destinations/import?dryRun=false", foreign, """{"destinations":[]}""");

        Assert.All(new[] { update, delete, import }, r => r.AssertProblem(HttpStatusCode.Forbidden));
        using var still = await _script.GetAsync($"/api/destinations/{_id}");
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        Assert.StartsWith("origin-", (await still.ReadAsync<Web.Api.DestinationResource>()).Name);
    }

    [Theory]
    [InlineData("Origin", "http://localhost")]
    [InlineData("Sec-Fetch-Site", "same-origin")]
    public async Task CookiePost_FromTheOwnOrigin_CopiesAndTests(string header, string value)
    {
        using var copy = await SendAsync(_browser, HttpMethod.Post, $"/api/destinations/{_id}/copy", (header, value));
        using var test = await SendAsync(_browser, HttpMethod.Post, $"/api/destinations/{_id}/test", (header, value));

        Assert.Equal(HttpStatusCode.Created, copy.StatusCode);
        Assert.Equal(HttpStatusCode.OK, test.StatusCode);
        Assert.Single(await _app.AuditAsync(), e => e.Action == AuditActions.DestinationTested && e.DestinationId == _id);
    }

    [Fact]
    public async Task BearerPost_WithAForeignOrigin_CopiesAndTests()
    {
        using var copy = await SendAsync(_script, HttpMethod.Post, $"/api/destinations/{_id}/copy", ("Origin", "http://evil.example"), ("Sec-Fetch-Site", "cross-site"));
        using var test = await SendAsync(_script, HttpMethod.Post, $"/api/destinations/{_id}/test", ("Origin", "http://evil.example"), ("Sec-Fetch-Site", "cross-site"));

        Assert.Equal(HttpStatusCode.Created, copy.StatusCode);
        Assert.Equal(HttpStatusCode.OK, test.StatusCode);
    }

    [Theory]
    [InlineData("/_blazor/negotiate?negotiateVersion=1")]
    [InlineData("/hubs/connection-tests/negotiate?negotiateVersion=1")]
    public async Task CircuitAndHub_UnderAHostOutsideAllowedHosts_AreRefused(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Host = "evil.example";
        request.Headers.Add("Origin", "http://evil.example");

        using var response = await _browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ApiAnswersAndPages_AreNotStored_StaticFilesStillCache()
    {
        using var list = await _script.GetAsync("/api/destinations");
        using var missing = await _script.GetAsync($"/api/destinations/{Guid.NewGuid()}");
        using var page = await _browser.GetAsync("/destinations");
        using var css = await _browser.GetAsync("/app.css");

        Assert.All(new[] { list, missing, page }, r => Assert.True(r.Headers.CacheControl?.NoStore, $"{r.RequestMessage!.RequestUri} lacks Cache-Control: no-store"));
        Assert.False(css.Headers.CacheControl?.NoStore ?? false);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, (string Name, string Value) header, string? json = null) =>
        await SendAsync(client, method, path, [header], json);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, (string Name, string Value) first, (string Name, string Value) second) =>
        await SendAsync(client, method, path, [first, second], null);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, (string Name, string Value)[] headers, string? json)
    {
        using var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (json is not null)
        {
            request.Content = ApiHelpers.JsonContent(json);
            if (method == HttpMethod.Put)
            {
                request.Headers.TryAddWithoutValidation("If-Match", "*");
            }
        }

        return await client.SendAsync(request);
    }

    private async Task<int> DestinationCountAsync() =>
        (await (await _script.GetAsync("/api/destinations?take=500")).ReadAsync<Web.Api.DestinationListResponse>()).TotalCount;

}
