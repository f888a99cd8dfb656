using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using DestinationPortal.Core.Access;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.Destinations;
using DestinationPortal.IntegrationTests.Hosting;
using DestinationPortal.Web.Api;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.IntegrationTests.Api;

/// <summary>One portal with an Editor and a Viewer, shared by the tests of a class (each test uses its own names).</summary>
public sealed class ApiPortal : IAsyncLifetime
{
    public const string EditorPassword = "editor passphrase 1";
    public const string ViewerPassword = "viewer passphrase 1";

    public ApiPortal()
        : this(null)
    {
    }

    /// <param name="settings">Configuration for the app, such as a PostgreSQL store (issue 14); null for the SQLite default.</param>
    internal ApiPortal(IReadOnlyDictionary<string, string?>? settings) => App = new PortalApp(settings);

    public PortalApp App { get; }

    public ResponseRecorder Recorder { get; } = new();

    public HttpClient Admin { get; private set; } = null!;

    public HttpClient Editor { get; private set; } = null!;

    public HttpClient Viewer { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await App.CreateUserAsync("editor", PortalRole.Editor, EditorPassword);
        await App.CreateUserAsync("viewer", PortalRole.Viewer, ViewerPassword);
        Admin = await App.ApiClientAsync(PortalApp.AdminName, PortalApp.AdminPassword, Recorder);
        Editor = await App.ApiClientAsync("editor", EditorPassword, Recorder);
        Viewer = await App.ApiClientAsync("viewer", ViewerPassword, Recorder);
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        Editor.Dispose();
        Viewer.Dispose();
        await App.DisposeAsync();
    }
}

/// <summary>Keeps every response (status, headers and body) the API clients received, for "never in any response" checks.</summary>
public sealed class ResponseRecorder
{
    public ConcurrentQueue<string> Responses { get; } = new();

    internal DelegatingHandler CreateHandler() => new Handler(this);

    private sealed class Handler(ResponseRecorder recorder) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            recorder.Responses.Enqueue($"{request.Method} {request.RequestUri} → {(int)response.StatusCode}\n{response.Headers}{response.Content.Headers}\n{body}");
            return response;
        }
    }
}

public static class ApiHelpers
{
    public static JsonSerializerOptions Json => DestinationJson.Options;

    /// <summary>A client with a fresh bearer token of <paramref name="userName"/>, recording what it receives.</summary>
    public static async Task<HttpClient> ApiClientAsync(this PortalApp app, string userName, string password, ResponseRecorder? recorder = null)
    {
        var token = await app.IssueTokenAsync(userName, password);
        var client = recorder is null ? app.CreateClient() : app.CreateDefaultClient(recorder.CreateHandler());
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A valid request body, as a JSON object a test can change property by property.</summary>
    public static JsonObject Body(string name, string server = "db.example.test", int port = 5432) => new()
    {
        ["name"] = name,
        ["serverName"] = server,
        ["port"] = port,
        ["tlsMode"] = "Require",
        ["username"] = "loader",
        ["database"] = "sales",
    };

    public static string UniqueName(string prefix = "dest") => $"{prefix}-{Guid.NewGuid():N}"[..24];

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, JsonNode body) =>
        client.PostAsync(url, JsonContent(body.ToJsonString()));

    public static async Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string url, JsonNode body, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent(body.ToJsonString()) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }

    public static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    public static async Task<DestinationResource> CreateAsync(this HttpClient client, JsonObject body)
    {
        using var response = await client.PostJsonAsync("/api/destinations", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<DestinationResource>(Json))!;
    }

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response) => (await response.Content.ReadFromJsonAsync<T>(Json))!;

    public static async Task<JsonObject> ReadObjectAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    /// <summary>The messages of a validation problem for one key (errors.{key}).</summary>
    public static string[] ErrorsFor(this JsonObject problem, string key) =>
        problem["errors"]?[key]?.AsArray().Select(m => m!.GetValue<string>()).ToArray() ?? [];

    public static Task<List<AuditEntry>> AuditAsync(this PortalApp app) => app.WithScopeAsync(async s =>
        (await s.GetRequiredService<AuditTrail>().QueryAsync(new AuditQuery(Take: 500))).Items.ToList());

    public static void AssertProblem(this HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
