using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Web.Api;

namespace DestinationPortal.IntegrationTests.Api;

/// <summary>/api/destinations with a token, on the SQLite store.</summary>
public sealed class DestinationsApiTests(ApiPortal portal) : DestinationsApiContract, IClassFixture<ApiPortal>
{
    protected override ApiPortal Portal => portal;
}

/// <summary>
/// Issue 14: the same contract on a PostgreSQL store, where the providers differ (case and accents in the filter, sort
/// order, unique names, the row version, varchar lengths), each test with a fresh database of its own, made with a
/// language's collation as an operator's would be.
/// </summary>
[Collection(PostgreSqlTestGroup.Name)]
public sealed class DestinationsApiOnPostgreSqlTests(PostgreSqlServers servers) : DestinationsApiContract, IAsyncLifetime
{
    private ApiPortal? _portal;

    protected override ApiPortal Portal => _portal ?? throw new InvalidOperationException("Not initialised.");

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

/// <summary>/api/destinations with a token: the screens' create, read, edit, copy and delete, with the form's rules and words.</summary>
public abstract class DestinationsApiContract
{
    protected abstract ApiPortal Portal { get; }

    private HttpClient Editor => Portal.Editor;

    [Fact]
    public async Task Create_ValidBody_Returns201WithLocationAndETag_PasswordOnlyAsHasPassword()
    {
        var body = ApiHelpers.Body(ApiHelpers.UniqueName());
        body["password"] = "create-secret-41";

        using var response = await Editor.PostJsonAsync("/api/destinations", body);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.ReadAsync<DestinationResource>();
        Assert.Equal($"/api/destinations/{created.Id}", response.Headers.Location!.OriginalString);
        Assert.Equal($"\"{created.Version}\"", response.Headers.ETag!.Tag);
        Assert.True(created.HasPassword);
        Assert.Equal((body["name"]!.GetValue<string>(), "postgresql", "db.example.test", 5432, "loader", "sales", 10, "editor"),
            (created.Name, created.Type, created.ServerName, created.Port, created.Username, created.Database, created.TimeoutSeconds, created.CreatedBy));
        var json = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("create-secret-41", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"password\"", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Get_ReturnsTheDestinationAndItsVersionAsETag()
    {
        var created = await Editor.CreateAsync(ApiHelpers.Body(ApiHelpers.UniqueName()));

        using var response = await Portal.Viewer.GetAsync($"/api/destinations/{created.Id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"\"{created.Version}\"", response.Headers.ETag!.Tag);
        Assert.Equal(created, await response.ReadAsync<DestinationResource>());
    }

    [Fact]
    public async Task Get_UnknownId_Returns404Problem()
    {
        using var response = await Editor.GetAsync($"/api/destinations/{Guid.NewGuid()}");

        response.AssertProblem(HttpStatusCode.NotFound);
        Assert.Contains("No destination has the id", (await response.ReadObjectAsync())["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_FiltersSortsAndPages()
    {
        var prefix = ApiHelpers.UniqueName("list");
        foreach (var (suffix, database) in new[] { ("c", "zeta"), ("a", "alpha"), ("b", "mid") })
        {
            var body = ApiHelpers.Body($"{prefix}-{suffix}");
            body["database"] = database;
            await Editor.CreateAsync(body);
        }

        var byName = await Portal.Viewer.GetFromJsonAsync<DestinationListResponse>($"/api/destinations?filter={prefix}", ApiHelpers.Json);
        var byDatabaseDescending = await Portal.Viewer.GetFromJsonAsync<DestinationListResponse>($"/api/destinations?filter={prefix}&sort=database&descending=true", ApiHelpers.Json);
        var secondPage = await Portal.Viewer.GetFromJsonAsync<DestinationListResponse>($"/api/destinations?filter={prefix}&skip=1&take=1", ApiHelpers.Json);

        Assert.Equal([$"{prefix}-a", $"{prefix}-b", $"{prefix}-c"], byName!.Items.Select(i => i.Name));
        Assert.Equal(3, byName.TotalCount);
        Assert.Equal(["zeta", "mid", "alpha"], byDatabaseDescending!.Items.Select(i => i.Database));
        Assert.Equal([$"{prefix}-b"], secondPage!.Items.Select(i => i.Name));
        Assert.Equal((3, 1, 1), (secondPage.TotalCount, secondPage.Skip, secondPage.Take));
    }

    [Fact]
    public async Task List_InvalidQuery_Returns400NamingEachParameter()
    {
        using var response = await Editor.GetAsync("/api/destinations?sort=colour&skip=-1&take=501");

        response.AssertProblem(HttpStatusCode.BadRequest);
        var problem = await response.ReadObjectAsync();
        Assert.Equal(["sort must be one of name, type, server, database, tlsMode, lastTest, updatedAt."], problem.ErrorsFor("sort"));
        Assert.Equal(["skip must be 0 or more."], problem.ErrorsFor("skip"));
        Assert.Equal(["take must be from 1 to 500."], problem.ErrorsFor("take"));
    }

    public static TheoryData<string, string, string?, string, string> FieldRules => new()
    {
        // property, JSON value, other properties, error key, message (the form's words)
        { "name", "\"\"", null, "name", "Name is required." },
        { "name", $"\"{new string('n', 101)}\"", null, "name", "Name must be at most 100 characters." },
        { "name", "\"tab\\there\"", null, "name", "Name must not contain control characters (tabs, line breaks and the like)." },
        { "name", "\"prod\\u202Ebd\"", null, "name", "Name must not contain invisible characters (zero-width spaces, text-direction marks and the like): they make text display differently from what it is." },
        { "name", "\"prod\\u200B\"", null, "name", "Name must not contain invisible characters (zero-width spaces, text-direction marks and the like): they make text display differently from what it is." },
        { "username", "\"load\\u2066er\"", null, "username", "Username must not contain invisible characters (zero-width spaces, text-direction marks and the like): they make text display differently from what it is." },
        { "type", "\"mysql\"", null, "type", "Type must be one of: PostgreSQL." },
        { "serverName", "\"\"", null, "serverName", "Server Name is required." },
        { "serverName", "\"bad host!\"", null, "serverName", "Server Name must be a host name (like db.example.com), an IPv4 address (like 10.0.0.5) or an IPv6 address (like 2001:db8::5)." },
        { "serverName", "\"2130706433\"", null, "serverName", "Server Name must be a host name (like db.example.com), an IPv4 address (like 10.0.0.5) or an IPv6 address (like 2001:db8::5)." },
        { "privateEndpoint", "\"not a host!\"", null, "privateEndpoint", "Private endpoint host must be a host name (like db.example.com), an IPv4 address (like 10.0.0.5) or an IPv6 address (like 2001:db8::5)." },
        { "privateEndpoint", "\"\"", null, "privateEndpoint", "Private endpoint host is required." },
        { "port", "0", null, "port", "Port must be a whole number from 1 to 65535." },
        { "port", "65536", null, "port", "Port must be a whole number from 1 to 65535." },
        { "username", "\"\"", null, "username", "Username is required." },
        { "username", $"\"{new string('u', 64)}\"", null, "username", "Username must be at most 63 bytes (PostgreSQL's limit); this one is 64 bytes." },
        { "password", $"\"{new string('p', 1001)}\"", null, "password", "Password must be at most 1,000 characters." },
        { "database", "\"\"", null, "database", "Database is required." },
        { "database", "\"sales\\nPassfile=/etc/passwd\"", null, "database", "Database must not contain control characters (tabs, line breaks and the like)." },
        { "caCertificate", "\"not a certificate\"", "{\"tlsMode\":\"VerifyCA\"}", "caCertificate", "CA certificate must be PEM text starting with -----BEGIN CERTIFICATE-----." },
        { "timeoutSeconds", "0", null, "timeoutSeconds", "Timeout (s) must be a whole number from 1 to 120." },
        { "timeoutSeconds", "121", null, "timeoutSeconds", "Timeout (s) must be a whole number from 1 to 120." },
        { "kerberosServiceName", "\"bad name!\"", "{\"windowsAuthentication\":true}", "kerberosServiceName", "Kerberos service name may contain only letters, digits, '-', '_' and '.', at most 63 characters." },
        { "kerberosServiceName", "\"\"", "{\"windowsAuthentication\":true}", "kerberosServiceName", "Kerberos service name is required with Windows Authentication (usually postgres)." },
        // Values JSON cannot convert: the property and what it must be.
        { "tlsMode", "\"Strict\"", null, "tlsMode", "tlsMode must be one of Prefer, Require, Disable, Allow, VerifyCA, VerifyFull." },
        { "tlsMode", "4", null, "tlsMode", "tlsMode must be one of Prefer, Require, Disable, Allow, VerifyCA, VerifyFull." },
        // Flags OR-ed together ("Require, Disable" would be Allow), numeric strings and padded names: exactly one name only.
        { "tlsMode", "\"Require, Disable\"", null, "tlsMode", "tlsMode must be one of Prefer, Require, Disable, Allow, VerifyCA, VerifyFull." },
        { "tlsMode", "\"VerifyFull,Disable\"", null, "tlsMode", "tlsMode must be one of Prefer, Require, Disable, Allow, VerifyCA, VerifyFull." },
        { "tlsMode", "\"4\"", null, "tlsMode", "tlsMode must be one of Prefer, Require, Disable, Allow, VerifyCA, VerifyFull." },
        { "tlsMode", "\" Require\"", null, "tlsMode", "tlsMode must be one of Prefer, Require, Disable, Allow, VerifyCA, VerifyFull." },
        { "port", "\"abc\"", null, "port", "port must be a whole number." },
        { "port", "5432.5", null, "port", "port must be a whole number." },
        { "windowsAuthentication", "\"yes\"", null, "windowsAuthentication", "windowsAuthentication must be true or false." },
        { "name", "42", null, "name", "name must be text (a JSON string)." },
    };

    [Theory]
    [MemberData(nameof(FieldRules))]
    public async Task CreateAndUpdate_InvalidProperty_Return400WithTheMessageUnderTheJsonProperty(string property, string value, string? others, string key, string message)
    {
        var existing = await Editor.CreateAsync(ApiHelpers.Body(ApiHelpers.UniqueName()));
        var body = ApiHelpers.Body(ApiHelpers.UniqueName());
        foreach (var (name, node) in JsonNode.Parse(others ?? "{}")!.AsObject())
        {
            body[name] = node?.DeepClone();
        }

        body[property] = JsonNode.Parse(value);

        using var create = await Editor.PostJsonAsync("/api/destinations", body);
        using var update = await Editor.PutJsonAsync($"/api/destinations/{existing.Id}", body, $"\"{existing.Version}\"");

        foreach (var response in new[] { create, update })
        {
            response.AssertProblem(HttpStatusCode.BadRequest);
            var problem = await response.ReadObjectAsync();
            Assert.Equal([message], problem.ErrorsFor(key));
            Assert.Single(problem["errors"]!.AsObject());
        }

        var unchanged = await Editor.GetFromJsonAsync<DestinationResource>($"/api/destinations/{existing.Id}", ApiHelpers.Json);
        Assert.Equal(existing.Version, unchanged!.Version);
    }

    [Theory]
    [InlineData("require", "Require")]
    [InlineData("VERIFYFULL", "VerifyFull")]
    [InlineData("verifyCa", "VerifyCA")]
    public async Task Create_TlsModeInAnyLetterCase_IsThatOneNamedValue(string sent, string stored)
    {
        var body = ApiHelpers.Body(ApiHelpers.UniqueName());
        body["tlsMode"] = sent;

        var created = await Editor.CreateAsync(body);

        Assert.Equal(stored, created.TlsMode.ToString());
    }

    [Fact]
    public async Task Create_MalformedJsonOrNoJson_Returns400Or415Problem()
    {
        using var malformed = await Editor.PostAsync("/api/destinations", ApiHelpers.JsonContent("{\"name\": \"x\","));
        using var notJson = await Editor.PostAsync("/api/destinations", new StringContent("name=x", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        using var array = await Editor.PostAsync("/api/destinations", ApiHelpers.JsonContent("[]"));

        malformed.AssertProblem(HttpStatusCode.BadRequest);
        Assert.Equal("The body is not valid JSON.", (await malformed.ReadObjectAsync())["title"]!.GetValue<string>());
        notJson.AssertProblem(HttpStatusCode.UnsupportedMediaType);
        array.AssertProblem(HttpStatusCode.BadRequest);
        Assert.Equal(["The body must be a JSON object."], (await array.ReadObjectAsync()).ErrorsFor("$"));
    }

    [Fact]
    public async Task Create_NameTakenIgnoringCase_Returns409WithTheFormsNameMessage()
    {
        var name = ApiHelpers.UniqueName();
        await Editor.CreateAsync(ApiHelpers.Body(name));

        using var response = await Editor.PostJsonAsync("/api/destinations", ApiHelpers.Body(name.ToUpperInvariant()));

        response.AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal([$"A destination named \"{name.ToUpperInvariant()}\" already exists (names are compared ignoring case)."], (await response.ReadObjectAsync()).ErrorsFor("name"));
    }

    [Fact]
    public async Task Update_WithCurrentETag_Returns200WithNewETag_AndChangesOnlyWhatWasSent()
    {
        var created = await Editor.CreateAsync(ApiHelpers.Body(ApiHelpers.UniqueName()));
        var body = ApiHelpers.Body(created.Name);
        body["database"] = "finance";

        using var response = await Editor.PutJsonAsync($"/api/destinations/{created.Id}", body, $"\"{created.Version}\"");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var updated = await response.ReadAsync<DestinationResource>();
        Assert.Equal("finance", updated.Database);
        Assert.NotEqual(created.Version, updated.Version);
        Assert.Equal($"\"{updated.Version}\"", response.Headers.ETag!.Tag);
        var audit = (await Portal.App.AuditAsync()).First(e => e.DestinationId == created.Id && e.Action == AuditActions.DestinationUpdated);
        Assert.Equal(("editor", "Database"), (audit.UserName, audit.ChangedFields));
    }

    [Fact]
    public async Task Update_StaleETag_Returns412WithTheCurrentVersionAndBody_AndSavesNothing()
    {
        var created = await Editor.CreateAsync(ApiHelpers.Body(ApiHelpers.UniqueName()));
        var first = ApiHelpers.Body(created.Name);
        first["database"] = "first";
        using var firstSave = await Portal.Admin.PutJsonAsync($"/api/destinations/{created.Id}", first, $"\"{created.Version}\"");
        var current = await firstSave.ReadAsync<DestinationResource>();
        var second = ApiHelpers.Body(created.Name);
        second["database"] = "second";

        using var stale = await Editor.PutJsonAsync($"/api/destinations/{created.Id}", second, $"\"{created.Version}\"");

        stale.AssertProblem(HttpStatusCode.PreconditionFailed);
        Assert.Equal($"\"{current.Version}\"", stale.Headers.ETag!.Tag);
        var problem = await stale.ReadObjectAsync();
        Assert.Equal(current.Version, problem["currentVersion"]!.GetValue<Guid>());
        Assert.Equal("admin", problem["updatedBy"]!.GetValue<string>());
        Assert.Equal("first", problem["current"]!["database"]!.GetValue<string>());
        Assert.StartsWith("admin saved it at ", problem["detail"]!.GetValue<string>());
        var stored = await Editor.GetFromJsonAsync<DestinationResource>($"/api/destinations/{created.Id}", ApiHelpers.Json);
        Assert.Equal(("first", current.Version), (stored!.Database, stored.Version));
    }

    [Fact]
    public async Task Update_WithoutIfMatch_Returns428_WithStar_Overwrites_WithGarbage_Returns400()
    {
        var created = await Editor.CreateAsync(ApiHelpers.Body(ApiHelpers.UniqueName()));
        var body = ApiHelpers.Body(created.Name);
        body["database"] = "overwritten";

        using var missing = await Editor.PutJsonAsync($"/api/destinations/{created.Id}", body, ifMatch: null);
        using var garbage = await Editor.PutJsonAsync($"/api/destinations/{created.Id}", body, "W/\"weak\"");
        using var star = await Editor.PutJsonAsync($"/api/destinations/{created.Id}", body, "*");

        missing.AssertProblem((HttpStatusCode)428);
        Assert.Contains("If-Match", (await missing.ReadObjectAsync())["detail"]!.GetValue<string>());
        garbage.AssertProblem(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.OK, star.StatusCode);
        Assert.Equal("overwritten", (await star.ReadAsync<DestinationResource>()).Database);
    }

    [Fact]
    public async Task Update_Password_OmittedKeeps_ValueReplaces_ClearRemoves()
    {
        var body = ApiHelpers.Body(ApiHelpers.UniqueName());
        body["password"] = "first-secret";
        var created = await Editor.CreateAsync(body);
        body.Remove("password");

        using var kept = await Editor.PutJsonAsync($"/api/destinations/{created.Id}", body, "*");
        body["clearPassword"] = true;
        using var cleared = await Editor.PutJsonAsync($"/api/destinations/{created.Id}", body, "*");
        body["clearPassword"] = false;
        body["password"] = "second-secret";
        using var replaced = await Editor.PutJsonAsync($"/api/destinations/{created.Id}", body, "*");

        Assert.True((await kept.ReadAsync<DestinationResource>()).HasPassword);
        Assert.False((await cleared.ReadAsync<DestinationResource>()).HasPassword);
        Assert.True((await replaced.ReadAsync<DestinationResource>()).HasPassword);
        var audit = (await Portal.App.AuditAsync()).Where(e => e.DestinationId == created.Id && e.Action == AuditActions.DestinationUpdated).OrderBy(e => e.Id).ToList();
        Assert.Equal(["", "Password", "Password"], audit.Select(e => e.ChangedFields));
    }

    [Fact]
    public async Task Update_UnknownId_Returns404_NameTaken_Returns409()
    {
        var taken = await Editor.CreateAsync(ApiHelpers.Body(ApiHelpers.UniqueName()));
        var other = await Editor.CreateAsync(ApiHelpers.Body(ApiHelpers.UniqueName()));

        using var unknown = await Editor.PutJsonAsync($"/api/destinations/{Guid.NewGuid()}", ApiHelpers.Body(ApiHelpers.UniqueName()), $"\"{Guid.NewGuid()}\"");
        using var unknownOverwrite = await Editor.PutJsonAsync($"/api/destinations/{Guid.NewGuid()}", ApiHelpers.Body(ApiHelpers.UniqueName()), "*");
        using var duplicate = await Editor.PutJsonAsync($"/api/destinations/{other.Id}", ApiHelpers.Body(taken.Name), $"\"{other.Version}\"");

        unknown.AssertProblem(HttpStatusCode.NotFound);
        unknownOverwrite.AssertProblem(HttpStatusCode.NotFound);
        duplicate.AssertProblem(HttpStatusCode.Conflict);
        Assert.Single((await duplicate.ReadObjectAsync()).ErrorsFor("name"));
    }

    [Fact]
    public async Task Delete_Returns204_ThenTheDestinationIs404_AndTheDeletionAudited()
    {
        var created = await Editor.CreateAsync(ApiHelpers.Body(ApiHelpers.UniqueName()));

        using var deleted = await Editor.DeleteAsync($"/api/destinations/{created.Id}");
        using var again = await Editor.DeleteAsync($"/api/destinations/{created.Id}");
        using var read = await Editor.GetAsync($"/api/destinations/{created.Id}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        again.AssertProblem(HttpStatusCode.NotFound);
        read.AssertProblem(HttpStatusCode.NotFound);
        Assert.Single(await Portal.App.AuditAsync(), e => e.DestinationId == created.Id && e.Action == AuditActions.DestinationDeleted && e.UserName == "editor");
    }

    [Fact]
    public async Task Copy_CreatesCopyOfWithoutThePassword_AuditedAsCopied_SecondCopyIs409()
    {
        var body = ApiHelpers.Body(ApiHelpers.UniqueName());
        body["password"] = "source-secret";
        body["database"] = "copied";
        var source = await Editor.CreateAsync(body);

        using var response = await Editor.PostAsync($"/api/destinations/{source.Id}/copy", null);
        using var again = await Editor.PostAsync($"/api/destinations/{source.Id}/copy", null);
        using var named = await Editor.PostJsonAsync($"/api/destinations/{source.Id}/copy", new JsonObject { ["name"] = source.Name + "-2", ["password"] = "copy-secret" });
        using var unknown = await Editor.PostAsync($"/api/destinations/{Guid.NewGuid()}/copy", null);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var copy = await response.ReadAsync<DestinationResource>();
        Assert.Equal(("Copy of " + source.Name, "copied", false), (copy.Name, copy.Database, copy.HasPassword));
        Assert.NotEqual(source.Id, copy.Id);
        again.AssertProblem(HttpStatusCode.Conflict);
        var second = await named.ReadAsync<DestinationResource>();
        Assert.Equal((source.Name + "-2", true), (second.Name, second.HasPassword));
        unknown.AssertProblem(HttpStatusCode.NotFound);
        var audit = Assert.Single(await Portal.App.AuditAsync(), e => e.DestinationId == copy.Id);
        Assert.Equal(AuditActions.DestinationCopied, audit.Action);
        Assert.Contains($"copied from \"{source.Name}\"", audit.Details);
    }

    [Fact]
    public async Task Viewer_ReadsButEveryChangeIs403Problem_AndEachRefusalIsAudited()
    {
        var created = await Editor.CreateAsync(ApiHelpers.Body(ApiHelpers.UniqueName()));
        var viewer = Portal.Viewer;
        var deniedBefore = (await Portal.App.AuditAsync()).Count(e => e.Action == AuditActions.AccessDenied && e.UserName == "viewer");
        var document = "{\"destinations\":[]}";

        var attempts = new Func<Task<HttpResponseMessage>>[]
        {
            () => viewer.PostJsonAsync("/api/destinations", ApiHelpers.Body(ApiHelpers.UniqueName())),
            () => viewer.PutJsonAsync($"/api/destinations/{created.Id}", ApiHelpers.Body(created.Name), $"\"{created.Version}\""),
            () => viewer.PutJsonAsync($"/api/destinations/{created.Id}", ApiHelpers.Body(created.Name), ifMatch: null),
            () => viewer.DeleteAsync($"/api/destinations/{created.Id}"),
            () => viewer.PostAsync($"/api/destinations/{created.Id}/copy", null),
            () => viewer.PostAsync($"/api/destinations/{created.Id}/test", null),
            () => viewer.PostJsonAsync("/api/destinations/test", ApiHelpers.Body(ApiHelpers.UniqueName())),
            () => viewer.GetAsync("/api/destinations/export"),
            () => viewer.PostJsonAsync("/api/destinations/export", new JsonObject()),
            () => viewer.PostAsync("/api/destinations/import?dryRun=true", ApiHelpers.JsonContent(document)),
            () => viewer.PostAsync("/api/destinations/import?dryRun=false", ApiHelpers.JsonContent(document)),
        };

        foreach (var attempt in attempts)
        {
            using var response = await attempt();
            response.AssertProblem(HttpStatusCode.Forbidden);
            Assert.StartsWith("Your role does not allow", (await response.ReadObjectAsync())["detail"]!.GetValue<string>());
        }

        using var read = await viewer.GetAsync($"/api/destinations/{created.Id}");
        using var list = await viewer.GetAsync("/api/destinations");
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (read.StatusCode, list.StatusCode));
        Assert.Equal(created, await read.ReadAsync<DestinationResource>());
        var deniedAfter = (await Portal.App.AuditAsync()).Count(e => e.Action == AuditActions.AccessDenied && e.UserName == "viewer");
        Assert.Equal(attempts.Length, deniedAfter - deniedBefore);
    }

    [Fact]
    public async Task EveryEndpoint_WithoutOrWithABadToken_Returns401()
    {
        var id = Guid.NewGuid();
        using var anonymous = Portal.App.CreateClient();
        using var forged = Portal.App.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "dpt_not-a-real-token");
        var requests = new (HttpMethod Method, string Url)[]
        {
            (HttpMethod.Get, "/api/destinations"),
            (HttpMethod.Get, $"/api/destinations/{id}"),
            (HttpMethod.Post, "/api/destinations"),
            (HttpMethod.Put, $"/api/destinations/{id}"),
            (HttpMethod.Delete, $"/api/destinations/{id}"),
            (HttpMethod.Post, $"/api/destinations/{id}/copy"),
            (HttpMethod.Post, $"/api/destinations/{id}/test"),
            (HttpMethod.Post, "/api/destinations/test"),
            (HttpMethod.Get, "/api/destinations/export"),
            (HttpMethod.Post, "/api/destinations/export"),
            (HttpMethod.Post, "/api/destinations/import?dryRun=false"),
            (HttpMethod.Get, PortalApiExtensions.OpenApiPath),
        };
        var countBefore = (await Editor.GetFromJsonAsync<DestinationListResponse>("/api/destinations", ApiHelpers.Json))!.TotalCount;

        foreach (var client in new[] { anonymous, forged })
        {
            foreach (var (method, url) in requests)
            {
                using var request = new HttpRequestMessage(method, url) { Content = method == HttpMethod.Get ? null : ApiHelpers.JsonContent(ApiHelpers.Body("sneaky").ToJsonString()) };
                using var response = await client.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {url}: {response.StatusCode}");
            }
        }

        Assert.Equal(countBefore, (await Editor.GetFromJsonAsync<DestinationListResponse>("/api/destinations", ApiHelpers.Json))!.TotalCount);
    }
}
