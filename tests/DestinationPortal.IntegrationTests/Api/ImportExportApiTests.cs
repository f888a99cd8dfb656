using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.Destinations;
using DestinationPortal.IntegrationTests.Hosting;
using DestinationPortal.Web.Api;

namespace DestinationPortal.IntegrationTests.Api;

/// <summary>Export and import through the API: a round trip between portals, the dry-run plan, and hostile documents refused with nothing changed.</summary>
public sealed class ImportExportApiTests(ApiPortal portal) : IClassFixture<ApiPortal>
{
    private HttpClient Editor => portal.Editor;

    [Fact]
    public async Task ExportThenImport_IntoAnEmptyPortal_GivesIdenticalDefinitions()
    {
        await using var source = new PortalApp();
        await using var target = new PortalApp();
        using var from = await source.ApiClientAsync(PortalApp.AdminName, PortalApp.AdminPassword);
        using var to = await target.ApiClientAsync(PortalApp.AdminName, PortalApp.AdminPassword);
        var verified = ApiHelpers.Body("verified", "db.example.test", 6432);
        verified["tlsMode"] = "VerifyFull";
        verified["caCertificate"] = CaPem();
        verified["privateEndpoint"] = "10.0.0.5";
        verified["password"] = "source-secret";
        verified["timeoutSeconds"] = 30;
        var kerberos = ApiHelpers.Body("kerberos", "2001:db8::5");
        kerberos["windowsAuthentication"] = true;
        kerberos["username"] = "";
        kerberos["kerberosServiceName"] = "HTTP";
        var trust = ApiHelpers.Body("Ünïcode trust", "warehouse.example.test");
        trust["tlsMode"] = "Disable";
        foreach (var body in new[] { verified, kerberos, trust })
        {
            await from.CreateAsync(body);
        }

        using var export = await from.GetAsync("/api/destinations/export");
        var document = await export.Content.ReadAsStringAsync();
        using var plan = await to.PostAsync("/api/destinations/import?dryRun=true", ApiHelpers.JsonContent(document));
        using var apply = await to.PostAsync("/api/destinations/import?dryRun=false", ApiHelpers.JsonContent(document));
        using var again = await to.PostAsync("/api/destinations/import?dryRun=false", ApiHelpers.JsonContent(document));

        var planned = await plan.ReadAsync<ImportResponse>();
        Assert.Equal((true, false, new ImportSummary(3, 0, 0, 0, 1, 0)), (planned.DryRun, planned.Applied, planned.Summary));
        Assert.Equal(["verified"], planned.Items.Where(i => i.NeedsPassword).Select(i => i.Name)); // kerberos needs none; the trust one had none
        Assert.Equal(HttpStatusCode.OK, apply.StatusCode);
        Assert.True((await apply.ReadAsync<ImportResponse>()).Applied);
        Assert.Equal(new ImportSummary(0, 0, 3, 0, 1, 0), (await again.ReadAsync<ImportResponse>()).Summary);
        var original = await AllAsync(from);
        var imported = await AllAsync(to);
        Assert.Equal(original.Select(Definition), imported.Select(Definition));
        Assert.Equal(original.Select(d => d.Id), imported.Select(d => d.Id));
        Assert.All(imported, d => Assert.False(d.HasPassword));
        Assert.Equal(3, (await target.AuditAsync()).Count(e => e.Action == AuditActions.DestinationCreated && e.Details!.StartsWith("import: 3 created", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Export_ChosenIdsOrFilterOrAll_WithoutPasswords_AsADownload_Audited()
    {
        var prefix = ApiHelpers.UniqueName("exp");
        var ids = new List<Guid>();
        foreach (var suffix in new[] { "a", "b", "c" })
        {
            var body = ApiHelpers.Body($"{prefix}-{suffix}");
            body["password"] = "export-secret-" + suffix;
            ids.Add((await Editor.CreateAsync(body)).Id);
        }

        using var chosen = await Editor.GetAsync($"/api/destinations/export?id={ids[0]}&id={ids[2]}");
        using var posted = await Editor.PostJsonAsync("/api/destinations/export", new JsonObject { ["ids"] = new JsonArray(ids[1].ToString()) });
        using var filtered = await Editor.GetAsync($"/api/destinations/export?filter={prefix}-b");

        Assert.Equal("attachment", chosen.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Matches("^destinations-\\d{8}-\\d{6}\\.json$", chosen.Content.Headers.ContentDisposition.FileNameStar ?? chosen.Content.Headers.ContentDisposition.FileName);
        var document = await chosen.ReadAsync<DestinationDocument>();
        Assert.Equal((DestinationDocument.FormatName, 1, "editor"), (document.Format, document.Version, document.ExportedBy));
        Assert.Equal([$"{prefix}-a", $"{prefix}-c"], document.Destinations.Select(d => d.Name));
        Assert.All(document.Destinations, d => Assert.True(d.HasPassword));
        Assert.Equal([ids[1]], (await posted.ReadAsync<DestinationDocument>()).Destinations.Select(d => d.Id!.Value));
        Assert.Equal([ids[1]], (await filtered.ReadAsync<DestinationDocument>()).Destinations.Select(d => d.Id!.Value));
        var text = await chosen.Content.ReadAsStringAsync();
        Assert.DoesNotContain("export-secret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"password\"", text, StringComparison.Ordinal);
        Assert.Contains(await portal.App.AuditAsync(), e => e.Action == AuditActions.DestinationsExported && e.UserName == "editor" && e.Details == "2 destinations exported (2 chosen)");
    }

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

    [Fact]
    public async Task Import_PlansCreateUpdateUnchangedAndConflict_ConflictBlocksApply_ThenAppliesInOneGo()
    {
        var prefix = ApiHelpers.UniqueName("imp");
        var same = await Editor.CreateAsync(ApiHelpers.Body($"{prefix}-same"));
        var changed = await Editor.CreateAsync(ApiHelpers.Body($"{prefix}-changed"));
        var taken = await Editor.CreateAsync(ApiHelpers.Body($"{prefix}-taken"));
        var entries = new JsonArray(
            Entry(same.Id, $"{prefix}-same"),
            Entry(changed.Id, $"{prefix}-changed", port: 6543),
            Entry(null, $"{prefix}-new"),
            Entry(Guid.NewGuid(), $"{prefix}-TAKEN"));
        var before = await SnapshotAsync();

        using var dryRun = await Editor.PostAsync("/api/destinations/import?dryRun=true", Document(entries));
        using var blocked = await Editor.PostAsync("/api/destinations/import?dryRun=false", Document(entries));

        var plan = await dryRun.ReadAsync<ImportResponse>();
        Assert.Equal(new ImportSummary(1, 1, 1, 1, 3, 0), plan.Summary); // none of the three has a password; the conflict is not counted
        Assert.Equal([ImportAction.Unchanged, ImportAction.Update, ImportAction.Create, ImportAction.Conflict], plan.Items.Select(i => i.Action));
        Assert.Equal(["Port"], plan.Items[1].ChangedFields);
        Assert.Equal([new FieldChange("Port", "5432", "6543")], plan.Items[1].Changes);
        Assert.Equal($"A different destination (id {taken.Id}) is already named \"{prefix}-taken\". Rename this entry, or remove its id to update that destination by name.", plan.Items[3].Message);
        blocked.AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal("The import has conflicts. Nothing was changed.", (await blocked.ReadObjectAsync())["title"]!.GetValue<string>());
        Assert.Equal(before, await SnapshotAsync());

        entries.RemoveAt(3);
        using var applied = await Editor.PostAsync("/api/destinations/import?dryRun=false", Document(entries));

        var result = await applied.ReadAsync<ImportResponse>();
        Assert.Equal((false, true, new ImportSummary(1, 1, 1, 0, 3, 0)), (result.DryRun, result.Applied, result.Summary));
        var created = result.Items.Single(i => i.Action == ImportAction.Create);
        Assert.NotNull(created.Id);
        Assert.Equal(6543, (await Editor.GetFromJsonAsync<DestinationResource>($"/api/destinations/{changed.Id}", ApiHelpers.Json))!.Port);
        Assert.Equal(same.Version, (await Editor.GetFromJsonAsync<DestinationResource>($"/api/destinations/{same.Id}", ApiHelpers.Json))!.Version);
        Assert.Equal($"{prefix}-new", (await Editor.GetFromJsonAsync<DestinationResource>($"/api/destinations/{created.Id}", ApiHelpers.Json))!.Name);
        var rows = (await portal.App.AuditAsync()).Where(e => e.Details == "import: 1 created, 1 updated, 1 unchanged").ToList();
        Assert.Equal(
            [(AuditActions.DestinationCreated, created.Id), (AuditActions.DestinationUpdated, changed.Id)],
            rows.OrderBy(r => r.Action).Select(r => (r.Action, r.DestinationId)));
        Assert.All(rows, r => Assert.Equal("editor", r.UserName));
    }

    [Fact]
    public async Task Import_EntryWithoutId_UpdatesTheDestinationOfThatName_IgnoringCase()
    {
        var existing = await Editor.CreateAsync(ApiHelpers.Body(ApiHelpers.UniqueName("byname")));

        using var response = await Editor.PostAsync("/api/destinations/import?dryRun=false", Document(new JsonArray(Entry(null, existing.Name.ToUpperInvariant(), port: 7000))));

        var result = await response.ReadAsync<ImportResponse>();
        Assert.Equal((ImportAction.Update, existing.Id), (result.Items[0].Action, result.Items[0].Id));
        var stored = await Editor.GetFromJsonAsync<DestinationResource>($"/api/destinations/{existing.Id}", ApiHelpers.Json);
        Assert.Equal((existing.Name.ToUpperInvariant(), 7000), (stored!.Name, stored.Port));
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
        var before = await SnapshotAsync();

        foreach (var dryRun in new[] { "true", "false" })
        {
            using var response = await Editor.PostAsync($"/api/destinations/import?dryRun={dryRun}", ApiHelpers.JsonContent(document));

            response.AssertProblem(HttpStatusCode.BadRequest);
            var problem = await response.ReadObjectAsync();
            Assert.Equal("The import document is not valid. Nothing was changed.", problem["title"]!.GetValue<string>());
            Assert.Contains(message, problem.ErrorsFor(key));
        }

        Assert.Equal(before, await SnapshotAsync());
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
        var before = await SnapshotAsync();
        var entries = string.Join(",", Enumerable.Range(0, 10_000).Select(i => $$"""{"name":"n{{i}}"}"""));

        using var response = await Editor.PostAsync("/api/destinations/import?dryRun=false", ApiHelpers.JsonContent($$"""{"destinations":[{{entries}}]}"""));

        response.AssertProblem(HttpStatusCode.BadRequest);
        Assert.Equal(["The document holds 10,000 destinations; one import may hold at most 1,000. Split it into several files."], (await response.ReadObjectAsync()).ErrorsFor("destinations"));
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task Import_TenMegabytes_IsRefusedAs413_WithOrWithoutContentLength_AndChangesNothing()
    {
        var before = await SnapshotAsync();
        var huge = Encoding.UTF8.GetBytes($$"""{"destinations":[{"name":"{{new string('x', 10 * 1024 * 1024)}}"}]}""");

        using var declared = await Editor.PostAsync("/api/destinations/import?dryRun=false", new ByteArrayContent(huge) { Headers = { ContentType = new("application/json") } });
        using var chunked = await Editor.PostAsync("/api/destinations/import?dryRun=false", new StreamContent(new UnseekableStream(huge)) { Headers = { ContentType = new("application/json") } });

        foreach (var response in new[] { declared, chunked })
        {
            response.AssertProblem(HttpStatusCode.RequestEntityTooLarge);
            Assert.Equal(DestinationDocumentReader.TooLargeMessage + " Nothing was changed.", (await response.ReadObjectAsync())["detail"]!.GetValue<string>());
        }

        Assert.Null(chunked.RequestMessage!.Content!.Headers.ContentLength);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task Import_NotJson_Is415()
    {
        using var response = await Editor.PostAsync("/api/destinations/import?dryRun=true", new StringContent("{\"destinations\":[]}", Encoding.UTF8, "text/plain"));

        response.AssertProblem(HttpStatusCode.UnsupportedMediaType);
    }

    private static JsonObject Entry(Guid? id, string name, int port = 5432)
    {
        var entry = ApiHelpers.Body(name, port: port);
        if (id is { } value)
        {
            entry["id"] = value.ToString();
        }

        return entry;
    }

    private static StringContent Document(JsonArray entries) =>
        ApiHelpers.JsonContent(new JsonObject { ["format"] = DestinationDocument.FormatName, ["version"] = 1, ["destinations"] = entries.DeepClone() }.ToJsonString());

    /// <summary>Every destination's id and version, and the number of audit rows: equal before and after means nothing changed.</summary>
    private async Task<string> SnapshotAsync()
    {
        var all = await AllAsync(Editor);
        var auditRows = (await portal.App.AuditAsync()).Count(e => e.Action != AuditActions.AccessDenied);
        return string.Join(";", all.Select(d => $"{d.Id}:{d.Version}")) + $"|audit {auditRows}";
    }

    private static async Task<List<DestinationResource>> AllAsync(HttpClient client)
    {
        var list = await client.GetFromJsonAsync<DestinationListResponse>("/api/destinations?take=500", ApiHelpers.Json);
        var all = new List<DestinationResource>();
        foreach (var item in list!.Items)
        {
            all.Add((await client.GetFromJsonAsync<DestinationResource>($"/api/destinations/{item.Id}", ApiHelpers.Json))!);
        }

        return all;
    }

    private static object Definition(DestinationResource d) => (d.Name, d.Type, d.ServerName, d.TlsMode, d.PrivateEndpoint, d.Port, d.WindowsAuthentication, d.Username,
        d.Database, d.CaCertificate, d.TimeoutSeconds, d.KerberosServiceName);

    private static string CaPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Round Trip Test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return certificate.ExportCertificatePem();
    }

    /// <summary>A stream that cannot tell its length, so the request goes without Content-Length (chunked).</summary>
    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
