using System.Net;
using System.Text;
using DestinationPortal.Core.Destinations;

namespace DestinationPortal.IntegrationTests.Api;

/// <summary>
/// Import and export through the API, what never reaches the store: hostile documents refused with nothing changed, limits,
/// media types. What the store decides is <see cref="ImportExportApiContract"/>, run on both stores.
/// </summary>
public sealed class ImportExportApiTests(ApiPortal portal) : IClassFixture<ApiPortal>
{
    private HttpClient Editor => portal.Editor;

    [Fact]
    public async Task Export_TheManageDestinationsLink_DownloadsWithTheSessionCookie()
    {
        var name = ApiHelpers.UniqueName("cookie");
        await Editor.CreateAsync(ApiHelpers.Body(name));
        using var browser = await portal.App.SignedInClientAsync("editor", ApiPortal.EditorPassword);

        using var response = await browser.GetAsync($"/api/destinations/export?filter={name}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal([name], (await response.ReadAsync<DestinationDocument>()).Destinations.Select(d => d.Name));
    }

    public static TheoryData<string, string, string> HostileDocuments => new()
    {
        // document, error key, message
        { """{"destinations":[{"name":"a","serverName":"h","username":"u","database":"d","port":"abc"}]}""", "destinations[0].port", "port must be a whole number." },
        { """{"destinations":[{"name":"a","serverName":"h","username":"u","database":"d","tlsMode":7}]}""", "destinations[0].tlsMode", "tlsMode must be one of Prefer, Require, Disable, Allow, VerifyCA, VerifyFull." },
        { """{"destinations":[{"name":"a","serverName":"h","username":"u","database":"d","tlsMode":"Require, Disable"}]}""", "destinations[0].tlsMode", "tlsMode must be one of Prefer, Require, Disable, Allow, VerifyCA, VerifyFull." },
        { """{"destinations":[{"name":"a","serverName":"h","username":"u","database":"d","tlsMode":"2"}]}""", "destinations[0].tlsMode", "tlsMode must be one of Prefer, Require, Disable, Allow, VerifyCA, VerifyFull." },
        { """{"destinations":[{"name":"prod\u202Ebd","serverName":"h","username":"u","database":"d"}]}""", "destinations[0].name", "Name must not contain invisible characters (zero-width spaces, text-direction marks and the like): they make text display differently from what it is." },
        { """{"destinations":[{"name":5,"serverName":"h","username":"u","database":"d"}]}""", "destinations[0].name", "name must be text (a JSON string)." },
        { """{"destinations":[{"name":"a","serverName":"h","username":"u","database":"d","id":"not-a-guid"}]}""", "destinations[0].id", "id must be an id (a GUID such as 0197e3a2-5b1c-7d4e-8f00-123456789abc) or null." },
        { """{"destinations":[42]}""", "destinations[0]", "Each destination must be a JSON object." },
        { """{"destinations":{"name":"a"}}""", "destinations", "The document must be a JSON object with a \"destinations\" array, as Export writes it." },
        { """[{"name":"a"}]""", "$", "The document must be a JSON object with a \"destinations\" array, as Export writes it." },
        { """{"destinations":[{"name":"a",""", "$", "The document is not valid JSON (line 1, byte 29)." },
        { "", "$", "The document is empty. Choose a file exported from a Destination Portal." },
        { """{"format":"grafana/datasources","destinations":[]}""", "format", "format must be \"destination-portal/destinations\"; this is not a destination export." },
        { """{"version":2,"destinations":[]}""", "version", "version must be 1; this portal reads version 1 documents only." },
        { """{"destinations":[],"extra":1}""", "extra", "Unknown property \"extra\". A document has format, version, exportedAtUtc, exportedBy and destinations." },
        { """{"destinations":[{"name":"a","serverName":"h","username":"u","database":"d","sever":"x"}]}""", "destinations[0].sever", "Unknown property \"sever\". A destination has id, name, type, serverName, tlsMode, privateEndpoint, port, windowsAuthentication, username, database, caCertificate, timeoutSeconds, kerberosServiceName, hasPassword." },
        { """{"destinations":[{"name":"a","serverName":"h","username":"u","database":"d","password":"s3cret"}]}""", "destinations[0].password", "Passwords are never imported (nor exported). Remove password from the file and set it after the import, on Destination Details or with PUT /api/destinations/{id}." },
        { """{"destinations":[{"name":"Sales","serverName":"h","username":"u","database":"d"},{"name":" sales ","serverName":"h","username":"u","database":"d"}]}""", "destinations[1].name", "The name \"sales\" appears more than once in the file (entries 1 and 2); names are compared ignoring case." },
        { """{"destinations":[{"name":"a","serverName":"h","username":"u","database":"d","id":"0197e3a2-5b1c-7d4e-8f00-123456789abc"},{"name":"b","serverName":"h","username":"u","database":"d","id":"0197e3a2-5b1c-7d4e-8f00-123456789abc"}]}""", "destinations[1].id", "The id 0197e3a2-5b1c-7d4e-8f00-123456789abc appears more than once in the file (entries 1 and 2)." },
        { """{"destinations":[{"name":"a","serverName":"h","username":"u","database":"d","port":0}]}""", "destinations[0].port", "Port must be a whole number from 1 to 65535." },
        { """{"destinations":[{"name":"a","serverName":"bad host!","username":"u","database":""}]}""", "destinations[0].database", "Database is required." },
        { """{"destinations":[{"name":"","serverName":"h","username":"u","database":"d","tlsMode":"VerifyCA","caCertificate":"nope"}]}""", "destinations[0].caCertificate", "CA certificate must be PEM text starting with -----BEGIN CERTIFICATE-----." },
    };

    [Theory]
    [MemberData(nameof(HostileDocuments))]
    public async Task Import_HostileOrMalformedDocument_Is400WithAClearMessage_AndChangesNothing(string document, string key, string message)
    {
        await Editor.CreateAsync(ApiHelpers.Body(ApiHelpers.UniqueName("keep")));
        var before = await TransferSnapshots.SnapshotAsync(portal);

        foreach (var dryRun in new[] { "true", "false" })
        {
            using var response = await Editor.PostAsync($"/api/destinations/import?dryRun={dryRun}", ApiHelpers.JsonContent(document));

            response.AssertProblem(HttpStatusCode.BadRequest);
            var problem = await response.ReadObjectAsync();
            Assert.Equal("The import document is not valid. Nothing was changed.", problem["title"]!.GetValue<string>());
            Assert.Contains(message, problem.ErrorsFor(key));
        }

        Assert.Equal(before, await TransferSnapshots.SnapshotAsync(portal));
    }

    [Fact]
    public async Task Import_EveryInvalidEntryIsReported_NotJustTheFirst()
    {
        var document = """{"destinations":[{"name":"a","serverName":"h","username":"u","database":"d","port":0},{"name":"b","serverName":"h","username":"","database":"d"},{"name":"c","serverName":"h","username":"u","database":"d","timeoutSeconds":"ten"}]}""";

        using var response = await Editor.PostAsync("/api/destinations/import?dryRun=true", ApiHelpers.JsonContent(document));

        var problem = await response.ReadObjectAsync();
        Assert.Equal(["destinations[0].port", "destinations[1].username", "destinations[2].timeoutSeconds"], problem["errors"]!.AsObject().Select(e => e.Key).Order());
        Assert.StartsWith("Entry 1 (a): Port must be a whole number from 1 to 65535.", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Import_TenThousandEntries_IsRefusedByCount_AndChangesNothing()
    {
        var before = await TransferSnapshots.SnapshotAsync(portal);
        var entries = string.Join(",", Enumerable.Range(0, 10_000).Select(i => $$"""{"name":"n{{i}}"}"""));

        using var response = await Editor.PostAsync("/api/destinations/import?dryRun=false", ApiHelpers.JsonContent($$"""{"destinations":[{{entries}}]}"""));

        response.AssertProblem(HttpStatusCode.BadRequest);
        Assert.Equal(["The document holds 10,000 destinations; one import may hold at most 1,000. Split it into several files."], (await response.ReadObjectAsync()).ErrorsFor("destinations"));
        Assert.Equal(before, await TransferSnapshots.SnapshotAsync(portal));
    }

    [Fact]
    public async Task Import_TenMegabytes_IsRefusedAs413_WithOrWithoutContentLength_AndChangesNothing()
    {
        var before = await TransferSnapshots.SnapshotAsync(portal);
        var huge = Encoding.UTF8.GetBytes($$"""{"destinations":[{"name":"{{new string('x', 10 * 1024 * 1024)}}"}]}""");

        using var declared = await Editor.PostAsync("/api/destinations/import?dryRun=false", new ByteArrayContent(huge) { Headers = { ContentType = new("application/json") } });
        using var chunked = await Editor.PostAsync("/api/destinations/import?dryRun=false", new StreamContent(new UnseekableStream(huge)) { Headers = { ContentType = new("application/json") } });

        foreach (var response in new[] { declared, chunked })
        {
            response.AssertProblem(HttpStatusCode.RequestEntityTooLarge);
            Assert.Equal(DestinationDocumentReader.TooLargeMessage + " Nothing was changed.", (await response.ReadObjectAsync())["detail"]!.GetValue<string>());
        }

        Assert.Null(chunked.RequestMessage!.Content!.Headers.ContentLength);
        Assert.Equal(before, await TransferSnapshots.SnapshotAsync(portal));
    }

    [Fact]
    public async Task Import_NotJson_Is415()
    {
        using var response = await Editor.PostAsync("/api/destinations/import?dryRun=true", new StringContent("{\"destinations\":[]}", Encoding.UTF8, "text/plain"));

        response.AssertProblem(HttpStatusCode.UnsupportedMediaType);
    }

    /// <summary>A stream that cannot tell its length, so the request goes without Content-Length (chunked).</summary>
    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
