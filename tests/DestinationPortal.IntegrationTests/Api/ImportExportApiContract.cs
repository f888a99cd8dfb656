using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.Destinations;
using DestinationPortal.IntegrationTests.Hosting;
using DestinationPortal.Web.Api;

namespace DestinationPortal.IntegrationTests.Api;

/// <summary>Import and export through the API on the SQLite store.</summary>
public sealed class ImportExportApiOnSqliteTests(ApiPortal portal) : ImportExportApiContract, IClassFixture<ApiPortal>
{
    protected override ApiPortal Portal => portal;

    protected override Task<PortalApp> NewPortalAsync() => Task.FromResult(new PortalApp());
}

/// <summary>Issue 14: the same contract on PostgreSQL stores, each test (and each extra portal) with a fresh database.</summary>
[Collection(PostgreSqlTestGroup.Name)]
public sealed class ImportExportApiOnPostgreSqlTests(PostgreSqlServers servers) : ImportExportApiContract, IAsyncLifetime
{
    private ApiPortal? _portal;

    protected override ApiPortal Portal => _portal ?? throw new InvalidOperationException("Not initialised.");

    protected override async Task<PortalApp> NewPortalAsync() =>
        new(PostgreSqlStoreDatabase.Settings(await PostgreSqlStoreDatabase.CreateAsync(servers.NoTls)));

    public async Task InitializeAsync()
    {
        _portal = new ApiPortal(PostgreSqlStoreDatabase.Settings(await PostgreSqlStoreDatabase.CreateAsync(servers.NoTls)));
        await _portal.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (_portal is not null)
        {
            await _portal.DisposeAsync();
        }
    }
}

/// <summary>
/// Export and import where the store decides: a round trip between portals, the export's choice of rows, the dry-run plan
/// against what is stored, a conflict blocking the whole import, and names matched ignoring case.
/// </summary>
public abstract class ImportExportApiContract
{
    protected abstract ApiPortal Portal { get; }

    /// <summary>Another, empty portal on the same kind of store.</summary>
    protected abstract Task<PortalApp> NewPortalAsync();

    private HttpClient Editor => Portal.Editor;

    [Fact]
    public async Task ExportThenImport_IntoAnEmptyPortal_GivesIdenticalDefinitions()
    {
        await using var source = await NewPortalAsync();
        await using var target = await NewPortalAsync();
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
        var original = await TransferSnapshots.AllAsync(from);
        var imported = await TransferSnapshots.AllAsync(to);
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
        Assert.Contains(await Portal.App.AuditAsync(), e => e.Action == AuditActions.DestinationsExported && e.UserName == "editor" && e.Details == "2 destinations exported (2 chosen)");
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
        var before = await TransferSnapshots.SnapshotAsync(Portal);

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
        Assert.Equal(before, await TransferSnapshots.SnapshotAsync(Portal));

        entries.RemoveAt(3);
        using var applied = await Editor.PostAsync("/api/destinations/import?dryRun=false", Document(entries));

        var result = await applied.ReadAsync<ImportResponse>();
        Assert.Equal((false, true, new ImportSummary(1, 1, 1, 0, 3, 0)), (result.DryRun, result.Applied, result.Summary));
        var created = result.Items.Single(i => i.Action == ImportAction.Create);
        Assert.NotNull(created.Id);
        Assert.Equal(6543, (await Editor.GetFromJsonAsync<DestinationResource>($"/api/destinations/{changed.Id}", ApiHelpers.Json))!.Port);
        Assert.Equal(same.Version, (await Editor.GetFromJsonAsync<DestinationResource>($"/api/destinations/{same.Id}", ApiHelpers.Json))!.Version);
        Assert.Equal($"{prefix}-new", (await Editor.GetFromJsonAsync<DestinationResource>($"/api/destinations/{created.Id}", ApiHelpers.Json))!.Name);
        var rows = (await Portal.App.AuditAsync()).Where(e => e.Details == "import: 1 created, 1 updated, 1 unchanged").ToList();
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
}

/// <summary>What the import tests compare before and after.</summary>
internal static class TransferSnapshots
{
    /// <summary>Every destination's id and version, and the number of audit rows: equal before and after means nothing changed.</summary>
    public static async Task<string> SnapshotAsync(ApiPortal portal)
    {
        var all = await AllAsync(portal.Editor);
        var auditRows = (await portal.App.AuditAsync()).Count(e => e.Action != AuditActions.AccessDenied);
        return string.Join(";", all.Select(d => $"{d.Id}:{d.Version}")) + $"|audit {auditRows}";
    }

    public static async Task<List<DestinationResource>> AllAsync(HttpClient client)
    {
        var list = await client.GetFromJsonAsync<DestinationListResponse>("/api/destinations?take=500", ApiHelpers.Json);
        var all = new List<DestinationResource>();
        foreach (var item in list!.Items)
        {
            all.Add((await client.GetFromJsonAsync<DestinationResource>($"/api/destinations/{item.Id}", ApiHelpers.Json))!);
        }

        return all;
    }
}
