using System.Net;
using System.Text.Json.Nodes;
using DestinationPortal.IntegrationTests.Hosting;
using DestinationPortal.Web.Api;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.IntegrationTests.Api;

/// <summary>/openapi/v1.json describes every /api endpoint the app maps, with its schemas and its errors.</summary>
public sealed class OpenApiDocumentTests : IAsyncLifetime
{
    private readonly PortalApp _app = new();
    private JsonObject _document = null!;

    public async Task InitializeAsync()
    {
        using var client = await _app.ApiClientAsync(PortalApp.AdminName, PortalApp.AdminPassword);
        using var response = await client.GetAsync(PortalApiExtensions.OpenApiPath);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        _document = await response.ReadObjectAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public void Document_ListsEveryMappedApiEndpoint_AndNothingElse()
    {
        var mapped = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} {Normalize(e.RoutePattern.RawText!)}"))
            .Order()
            .ToList();
        var documented = _document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(operation => $"{operation.Key.ToUpperInvariant()} {path.Key}"))
            .Order()
            .ToList();

        Assert.True(mapped.Count >= 13, string.Join("\n", mapped));
        Assert.Equal(mapped, documented);
    }

    [Fact]
    public void Document_DescribesBodiesResponsesAndErrors()
    {
        var update = _document["paths"]!["/api/destinations/{id}"]!["put"]!;
        var responses = update["responses"]!.AsObject().Select(r => r.Key).ToHashSet();
        Assert.Superset(new HashSet<string> { "200", "400", "401", "403", "404", "409", "412", "428" }, responses);
        Assert.Equal("application/problem+json", update["responses"]!["412"]!["content"]!.AsObject().Single().Key);
        Assert.NotNull(update["requestBody"]!["content"]!["application/json"]!["schema"]);

        var schemas = _document["components"]!["schemas"]!.AsObject();
        var request = schemas["DestinationRequest"]!["properties"]!.AsObject();
        Assert.Superset(new HashSet<string> { "name", "type", "serverName", "tlsMode", "port", "password", "clearPassword", "database", "caCertificate", "timeoutSeconds" },
            request.Select(p => p.Key).ToHashSet());
        var resource = schemas["DestinationResource"]!["properties"]!.AsObject();
        Assert.Contains("hasPassword", resource.Select(p => p.Key));
        Assert.DoesNotContain("password", resource.Select(p => p.Key));
        Assert.Contains("VerifyFull", schemas["TlsMode"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));

        var import = _document["paths"]!["/api/destinations/import"]!["post"]!;
        Assert.Superset(new HashSet<string> { "200", "400", "403", "409", "413", "415" }, import["responses"]!.AsObject().Select(r => r.Key).ToHashSet());
        Assert.Equal("bearer", _document["components"]!["securitySchemes"]!["bearer"]!["scheme"]!.GetValue<string>());
    }

    [Fact]
    public async Task Document_RequiresSignIn()
    {
        using var anonymous = _app.CreateClient();

        using var response = await anonymous.GetAsync(PortalApiExtensions.OpenApiPath);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    // Route constraints are not part of an OpenAPI path: /api/destinations/{id:guid} is /api/destinations/{id}.
    private static string Normalize(string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, "\\{([^}:]+):[^}]+\\}", "{$1}").TrimEnd('/') is { Length: > 0 } trimmed ? trimmed : "/";
}
