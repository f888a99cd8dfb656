using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Web.Api;

namespace DestinationPortal.IntegrationTests.Api;

/// <summary>POST /api/destinations/{id}/test and /api/destinations/test against real PostgreSQL servers.</summary>
[Collection(PostgreSqlTestGroup.Name)]
public sealed class ConnectionTestApiTests(PostgreSqlServers servers) : IAsyncLifetime
{
    private const string Canary = "P@ss-canary-api-5d2b";

    private readonly ApiPortal _portal = new();

    public Task InitializeAsync() => _portal.InitializeAsync();

    public Task DisposeAsync() => _portal.DisposeAsync();

    private JsonObject Scram(string name, string? password = TestRoles.ScramPassword)
    {
        var body = ApiHelpers.Body(name, "127.0.0.1", servers.Tls.Port);
        body["username"] = TestRoles.Scram;
        body["database"] = "postgres";
        body["password"] = password;
        return body;
    }

    [Fact]
    public async Task TestSaved_RealServer_ReturnsTheFinishedReportWithEveryStage_AndRecordsTheRun()
    {
        var saved = await _portal.Editor.CreateAsync(Scram("warehouse"));

        using var response = await _portal.Editor.PostAsync($"/api/destinations/{saved.Id}/test", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.ReadAsync<ConnectionTestResponse>();
        Assert.True(report.Succeeded, report.Report);
        Assert.Equal(
            [ConnectionTestStage.NameResolution, ConnectionTestStage.TcpConnection, ConnectionTestStage.Tls, ConnectionTestStage.Authentication, ConnectionTestStage.Database, ConnectionTestStage.Result],
            report.Events.Where(e => e.Status != ConnectionTestStatus.Running).Select(e => e.Stage));
        Assert.All(report.Events, e => Assert.Equal(report.RunId, e.RunId));
        Assert.Contains("Method requested by the server: SCRAM-SHA-256", report.Report);
        Assert.Equal("NameResolution", (await response.ReadObjectAsync())["events"]![0]!["stage"]!.GetValue<string>()); // enums by name, as on the hub
        var list = await _portal.Viewer.GetFromJsonAsync<DestinationListResponse>($"/api/destinations?filter=warehouse", ApiHelpers.Json);
        Assert.True(Assert.Single(list!.Items).LastTestSucceeded);
        var audit = Assert.Single(await _portal.App.AuditAsync(), e => e.Action == AuditActions.DestinationTested);
        Assert.Equal(("editor", saved.Id, AuditOutcomes.Succeeded, $"127.0.0.1:{servers.Tls.Port}"), (audit.UserName, audit.DestinationId!.Value, audit.Outcome, audit.Target));
    }

    [Fact]
    public async Task TestSaved_WrongPassword_FailsAtAuthentication_WithThePasswordToFix()
    {
        var saved = await _portal.Editor.CreateAsync(Scram("wrong", "not-the-password"));

        using var response = await _portal.Editor.PostAsync($"/api/destinations/{saved.Id}/test", null);

        var report = await response.ReadAsync<ConnectionTestResponse>();
        Assert.False(report.Succeeded);
        Assert.Equal((ConnectionTestStage.Authentication, ConnectionTestCategory.Authentication, "Password", "28P01"),
            (report.Outcome.ProblemStage, report.Outcome.Category, report.Outcome.FieldToFix, report.Outcome.SqlState));
    }

    [Fact]
    public async Task TestSaved_WithChangedValuesAndNoPassword_NeverSendsTheSavedPasswordElsewhere()
    {
        var saved = await _portal.Editor.CreateAsync(Scram("moved"));
        var edited = Scram("moved", password: null);
        edited["port"] = servers.NoTls.Port;

        using var response = await _portal.Editor.PostJsonAsync($"/api/destinations/{saved.Id}/test", edited);

        var report = await response.ReadAsync<ConnectionTestResponse>();
        Assert.False(report.Succeeded);
        Assert.Equal((ConnectionTestCategory.Configuration, "Password"), (report.Outcome.Category, report.Outcome.FieldToFix));
        Assert.Contains("the saved password is not sent", report.Outcome.Explanation);
        Assert.Single(report.Events);
    }

    [Fact]
    public async Task TestUnsaved_RealServer_Succeeds_AndSavesNothing()
    {
        using var response = await _portal.Editor.PostJsonAsync("/api/destinations/test", Scram("never-saved"));

        var report = await response.ReadAsync<ConnectionTestResponse>();
        Assert.True(report.Succeeded, report.Report);
        Assert.Equal(0, (await _portal.Editor.GetFromJsonAsync<DestinationListResponse>("/api/destinations", ApiHelpers.Json))!.TotalCount);
        var audit = Assert.Single(await _portal.App.AuditAsync(), e => e.Action == AuditActions.DestinationTested);
        Assert.Equal("unsaved destination", audit.Details);
    }

    [Fact]
    public async Task Test_InvalidDefinition_Returns400WithFieldMessages_UnknownId_Returns404()
    {
        var saved = await _portal.Editor.CreateAsync(Scram("valid"));
        var invalid = Scram("valid");
        invalid["port"] = 0;

        using var unsaved = await _portal.Editor.PostJsonAsync("/api/destinations/test", invalid);
        using var edited = await _portal.Editor.PostJsonAsync($"/api/destinations/{saved.Id}/test", invalid);
        using var unknown = await _portal.Editor.PostAsync($"/api/destinations/{Guid.NewGuid()}/test", null);

        foreach (var response in new[] { unsaved, edited })
        {
            response.AssertProblem(HttpStatusCode.BadRequest);
            Assert.Equal(["Port must be a whole number from 1 to 65535."], (await response.ReadObjectAsync()).ErrorsFor("port"));
        }

        unknown.AssertProblem(HttpStatusCode.NotFound);
        Assert.DoesNotContain(await _portal.App.AuditAsync(), e => e.Action == AuditActions.DestinationTested);
    }

    /// <summary>A canary password goes in through create, update and copy, and comes out of no endpoint: not in a body, not in a header.</summary>
    [Fact]
    public async Task CanaryPassword_IsInNoResponseOfAnyEndpoint()
    {
        var editor = _portal.Editor;
        var body = Scram("canary", Canary);
        var saved = await editor.CreateAsync(body);
        var export = "";

        var calls = new Func<Task<HttpResponseMessage>>[]
        {
            () => editor.GetAsync("/api/destinations"),
            () => editor.GetAsync($"/api/destinations/{saved.Id}"),
            () => editor.PutJsonAsync($"/api/destinations/{saved.Id}", Scram("canary", Canary + "-2"), "*"),
            () => editor.PutJsonAsync($"/api/destinations/{saved.Id}", Scram("canary", Canary), $"\"{Guid.NewGuid()}\""),
            () => editor.PostJsonAsync("/api/destinations", Scram("canary", Canary)),
            () => editor.PostJsonAsync($"/api/destinations/{saved.Id}/copy", new JsonObject { ["name"] = "canary copy", ["password"] = Canary }),
            () => editor.PostAsync($"/api/destinations/{saved.Id}/test", null),
            () => editor.PostJsonAsync($"/api/destinations/{saved.Id}/test", Scram("canary", Canary)),
            () => editor.PostJsonAsync("/api/destinations/test", Scram("canary", Canary)),
            () => editor.GetAsync("/api/destinations/export"),
            async () =>
            {
                var response = await editor.GetAsync("/api/destinations/export");
                export = await response.Content.ReadAsStringAsync();
                return await editor.PostAsync("/api/destinations/import?dryRun=true", ApiHelpers.JsonContent(export));
            },
            () => editor.PostAsync("/api/destinations/import?dryRun=false", ApiHelpers.JsonContent(export)),
            () => _portal.Admin.GetAsync("/api/audit/export.csv"),
            () => editor.GetAsync(PortalApiExtensions.OpenApiPath),
        };

        // The three test calls (saved, saved with edits, unsaved) must each have made a real attempt with a canary
        // password: otherwise "the canary comes out nowhere" would hold trivially for them.
        var testCalls = new[] { 6, 7, 8 };
        for (var i = 0; i < calls.Length; i++)
        {
            using var response = await calls[i]();
            Assert.True((int)response.StatusCode < 500, response.ToString());
            if (testCalls.Contains(i))
            {
                var report = await response.ReadAsync<ConnectionTestResponse>();
                Assert.Equal((ConnectionTestStage.Authentication, "28P01"), (report.Outcome.ProblemStage, report.Outcome.SqlState));
            }
        }

        Assert.Contains(_portal.Recorder.Responses, r => r.Contains("\"hasPassword\": true", StringComparison.Ordinal) || r.Contains("\"hasPassword\":true", StringComparison.Ordinal));
        Assert.DoesNotContain(_portal.Recorder.Responses, r => r.Contains(Canary, StringComparison.Ordinal));
        Assert.DoesNotContain(_portal.App.Logs, line => line.Contains(Canary, StringComparison.Ordinal));
        Assert.True(_portal.Recorder.Responses.Count >= calls.Length, _portal.Recorder.Responses.Count.ToString(CultureInfo.InvariantCulture));
    }
}
