using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using DestinationPortal.IntegrationTests.Api;
using DestinationPortal.Web.Api;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

/// <summary>
/// Finding 1 and 2 of issue 10, replayed against a server that asks for a cleartext password and records it: no path
/// (service, API PUT, import, copy, hub, a test body with weaker TLS or another CA) sends a stored password anywhere but
/// the exact target it was saved for, while a password typed for the capture server does arrive there.
/// </summary>
public sealed class PasswordRedirectTests(ApiPortal portal) : IClassFixture<ApiPortal>
{
    private const string Stored = "P@ss-stored-canary-Zr81";
    private const string Typed = "P@ss-typed-canary-Qm42";

    private HttpClient Editor => portal.Editor;

    // A destination whose password was typed for db.example.test; Prefer, so a leaked password would go in clear text
    // to a server that declines TLS, as the capture server does.
    private static JsonObject SavedElsewhere(string name)
    {
        var body = ApiHelpers.Body(name);
        body["tlsMode"] = "Prefer";
        body["password"] = Stored;
        return body;
    }

    private static JsonObject AtCapture(JsonObject body, PasswordCaptureServer capture)
    {
        var moved = body.DeepClone().AsObject();
        moved["serverName"] = "127.0.0.1";
        moved["port"] = capture.Port;
        moved.Remove("password");
        return moved;
    }

    private static async Task<ConnectionTestResponse> TestAsync(HttpClient client, Guid id, JsonObject? body = null)
    {
        using var response = body is null ? await client.PostAsync($"/api/destinations/{id}/test", null) : await client.PostJsonAsync($"/api/destinations/{id}/test", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadAsync<ConnectionTestResponse>();
    }

    private static async Task<DestinationResource> PutAsync(HttpClient client, Guid id, JsonObject body)
    {
        using var response = await client.PutJsonAsync($"/api/destinations/{id}", body, "*");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadAsync<DestinationResource>();
    }

    [Fact]
    public async Task CaptureServer_PasswordTypedForIt_ArrivesThere()
    {
        await using var capture = new PasswordCaptureServer();
        var body = AtCapture(SavedElsewhere(ApiHelpers.UniqueName("typed")), capture);
        body["password"] = Typed;

        using var response = await Editor.PostJsonAsync("/api/destinations/test", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([Typed], capture.Passwords);
    }

    [Fact]
    public async Task CaptureServer_StoredPasswordSavedForIt_ArrivesThere()
    {
        await using var capture = new PasswordCaptureServer();
        var body = AtCapture(SavedElsewhere(ApiHelpers.UniqueName("saved-here")), capture);
        body["password"] = Stored;
        var saved = await Editor.CreateAsync(body);

        await TestAsync(Editor, saved.Id);

        Assert.Equal([Stored], capture.Passwords);
    }

    [Fact]
    public async Task ServiceUpdate_ServerAndPortToCapture_ThenTestSaved_SendsNoPassword()
    {
        await using var capture = new PasswordCaptureServer();
        var body = SavedElsewhere(ApiHelpers.UniqueName("form"));
        var saved = await Editor.CreateAsync(body);
        var moved = AtCapture(body, capture);

        var result = await portal.App.WithScopeAsync(async services =>
        {
            var input = new DestinationInput
            {
                Name = moved["name"]!.GetValue<string>(),
                ServerName = "127.0.0.1",
                Port = capture.Port.ToString(CultureInfo.InvariantCulture),
                TlsMode = TlsMode.Prefer,
                Username = "loader",
                Database = "sales",
            };
            var update = await services.GetRequiredService<DestinationService>().UpdateAsync(saved.Id, saved.Version, input);
            await foreach (var _ in services.GetRequiredService<DestinationTestRunner>().TestSavedAsync(saved.Id))
            {
            }

            return update;
        }, "editor");

        Assert.Equal(["Server Name", "Port"], result.PasswordRemovedBecause);
        Assert.True(capture.Startups > 0, "The test never reached the capture server, so it proves nothing.");
        Assert.Empty(capture.Passwords);
    }

    [Fact]
    public async Task ApiPut_ServerAndPortToCapture_ThenTest_SendsNoPassword()
    {
        await using var capture = new PasswordCaptureServer();
        var body = SavedElsewhere(ApiHelpers.UniqueName("put"));
        var saved = await Editor.CreateAsync(body);

        var updated = await PutAsync(Editor, saved.Id, AtCapture(body, capture));
        var report = await TestAsync(Editor, updated.Id);
        var reportWithBody = await TestAsync(Editor, updated.Id, AtCapture(body, capture));

        Assert.True(saved.HasPassword);
        Assert.False(updated.HasPassword);
        Assert.False(report.Succeeded);
        Assert.False(reportWithBody.Succeeded);
        Assert.True(capture.Startups > 0, "The test never reached the capture server, so it proves nothing.");
        Assert.Empty(capture.Passwords);
    }

    [Fact]
    public async Task ApiTestBody_NewHostWithoutPassword_IsRefusedBeforeConnecting()
    {
        await using var capture = new PasswordCaptureServer();
        var body = SavedElsewhere(ApiHelpers.UniqueName("body"));
        var saved = await Editor.CreateAsync(body);

        var report = await TestAsync(Editor, saved.Id, AtCapture(body, capture));

        Assert.Equal(nameof(DestinationInput.Password), report.Outcome.FieldToFix);
        Assert.StartsWith("Server Name and Port differ from the saved destination", report.Outcome.Explanation, StringComparison.Ordinal);
        Assert.Equal(0, capture.Accepted);
    }

    [Fact]
    public async Task ImportUpdate_NewHost_ClearsThePasswordInThePlanAndApply_ThenTestSendsNoPassword()
    {
        await using var capture = new PasswordCaptureServer();
        var body = SavedElsewhere(ApiHelpers.UniqueName("import"));
        var saved = await Editor.CreateAsync(body);
        var entry = AtCapture(body, capture);
        entry["id"] = saved.Id.ToString();
        var document = new JsonObject { ["format"] = DestinationDocument.FormatName, ["version"] = 1, ["destinations"] = new JsonArray(entry) }.ToJsonString();

        using var dryRun = await Editor.PostAsync("/api/destinations/import?dryRun=true", ApiHelpers.JsonContent(document));
        using var apply = await Editor.PostAsync("/api/destinations/import?dryRun=false", ApiHelpers.JsonContent(document));
        var report = await TestAsync(Editor, saved.Id);

        var plan = await dryRun.ReadAsync<ImportResponse>();
        var planned = Assert.Single(plan.Items);
        Assert.Equal((ImportAction.Update, true, true), (planned.Action, planned.ClearsPassword, planned.NeedsPassword));
        Assert.Equal(["Server Name", "Port", "Password"], planned.ChangedFields);
        Assert.Equal(new FieldChange("Password", null, null), planned.Changes[^1]); // a password's value is never in a plan
        Assert.Equal(1, plan.Summary.ClearsPassword);
        Assert.True((await apply.ReadAsync<ImportResponse>()).Applied);
        Assert.False(report.Succeeded);
        Assert.True(capture.Startups > 0, "The test never reached the capture server, so it proves nothing.");
        Assert.Empty(capture.Passwords);
    }

    [Fact]
    public async Task Copy_OfADestinationSavedForTheCaptureServer_TestsWithoutThePassword()
    {
        await using var capture = new PasswordCaptureServer();
        var body = AtCapture(SavedElsewhere(ApiHelpers.UniqueName("copy")), capture);
        body["password"] = Stored;
        var source = await Editor.CreateAsync(body);

        using var copied = await Editor.PostAsync($"/api/destinations/{source.Id}/copy", null);
        var copy = await copied.ReadAsync<DestinationResource>();
        var report = await TestAsync(Editor, copy.Id);

        Assert.Equal(HttpStatusCode.Created, copied.StatusCode);
        Assert.False(copy.HasPassword);
        Assert.False(report.Succeeded);
        Assert.True(capture.Startups > 0, "The test never reached the capture server, so it proves nothing.");
        Assert.Empty(capture.Passwords);
    }

    [Fact]
    public async Task HubTestDestination_AfterTheHostChanged_SendsNoPassword()
    {
        await using var capture = new PasswordCaptureServer();
        var body = SavedElsewhere(ApiHelpers.UniqueName("hub"));
        var saved = await Editor.CreateAsync(body);
        await PutAsync(Editor, saved.Id, AtCapture(body, capture));
        await using var hub = await ConnectHubAsync();

        var events = new List<ConnectionTestEvent>();
        await foreach (var item in hub.StreamAsync<ConnectionTestEvent>("TestDestination", saved.Id))
        {
            events.Add(item);
        }

        Assert.False(events[^1].Outcome!.Succeeded);
        Assert.True(capture.Startups > 0, "The test never reached the capture server, so it proves nothing.");
        Assert.Empty(capture.Passwords);
    }

    [Theory]
    [InlineData("Require", "Disable")]
    [InlineData("Require", "Allow")]
    [InlineData("Require", "Prefer")]
    [InlineData("VerifyFull", "Disable")]
    [InlineData("VerifyFull", "Allow")]
    [InlineData("VerifyFull", "Prefer")]
    public async Task ApiTestBody_LoweredTlsModeAtTheSavedAddress_SendsNoPassword(string savedMode, string loweredMode)
    {
        // The capture server sits at the saved address and refuses TLS: a man in the middle hoping for a downgrade.
        await using var capture = new PasswordCaptureServer();
        var body = AtCapture(SavedElsewhere(ApiHelpers.UniqueName("tls")), capture);
        body["tlsMode"] = savedMode;
        body["password"] = Stored;
        var saved = await Editor.CreateAsync(body);
        var lowered = body.DeepClone().AsObject();
        lowered["tlsMode"] = loweredMode;
        lowered.Remove("password");

        var report = await TestAsync(Editor, saved.Id, lowered);

        Assert.Equal(nameof(DestinationInput.Password), report.Outcome.FieldToFix);
        Assert.StartsWith("TLS Mode differs from the saved destination", report.Outcome.Explanation, StringComparison.Ordinal);
        Assert.Empty(capture.Passwords);
        Assert.Equal(0, capture.Accepted);
    }

    [Fact]
    public async Task ScreenTestWithUnsavedEdits_LoweredTlsMode_SendsNoPassword()
    {
        await using var capture = new PasswordCaptureServer();
        var body = AtCapture(SavedElsewhere(ApiHelpers.UniqueName("screen")), capture);
        body["tlsMode"] = "Require";
        body["password"] = Stored;
        var saved = await Editor.CreateAsync(body);

        var events = await portal.App.WithScopeAsync(async services =>
        {
            var edited = new DestinationInput
            {
                Name = saved.Name,
                ServerName = "127.0.0.1",
                Port = capture.Port.ToString(CultureInfo.InvariantCulture),
                TlsMode = TlsMode.Disable,
                Username = "loader",
                Database = "sales",
            };
            var list = new List<ConnectionTestEvent>();
            await foreach (var item in services.GetRequiredService<DestinationTestRunner>().TestAsync(saved.Id, edited))
            {
                list.Add(item);
            }

            return list;
        }, "editor");

        Assert.Equal(nameof(DestinationInput.Password), Assert.Single(events).Outcome!.FieldToFix);
        Assert.Empty(capture.Passwords);
        Assert.Equal(0, capture.Accepted);
    }

    [Fact]
    public async Task ApiTestBody_ReplacedCaCertificate_SendsNoPasswordToTheServerThatCaTrusts()
    {
        // The impostor at the saved address has a certificate for 127.0.0.1 from its own CA; the destination was saved
        // trusting another CA. A body that swaps in the impostor's CA would make Verify Full succeed against it.
        var certificates = DestinationPortal.TestSupport.TestCertificates.Create();
        using var impostorCertificate = X509Certificate2.CreateFromPem(certificates.Server.CertificatePem, certificates.Server.KeyPem);
        await using var capture = new PasswordCaptureServer(impostorCertificate);
        var body = AtCapture(SavedElsewhere(ApiHelpers.UniqueName("ca")), capture);
        body["tlsMode"] = "VerifyFull";
        body["caCertificate"] = certificates.OtherCa.CertificatePem;
        body["password"] = Stored;
        var saved = await Editor.CreateAsync(body);
        var replaced = body.DeepClone().AsObject();
        replaced["caCertificate"] = certificates.Ca.CertificatePem;
        replaced.Remove("password");
        var typed = replaced.DeepClone().AsObject();
        typed["password"] = Typed;

        var report = await TestAsync(Editor, saved.Id, replaced);
        await TestAsync(Editor, saved.Id, typed);

        Assert.Equal(nameof(DestinationInput.Password), report.Outcome.FieldToFix);
        Assert.StartsWith("CA certificate differs from the saved destination", report.Outcome.Explanation, StringComparison.Ordinal);
        // The typed password went through the impostor's TLS: with the stored one it would have gone the same way.
        Assert.Equal([Typed], capture.Passwords);
    }

    private async Task<HubConnection> ConnectHubAsync()
    {
        var token = await portal.App.IssueTokenAsync("editor", ApiPortal.EditorPassword);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(portal.App.Server.BaseAddress, "hubs/connection-tests"), options =>
            {
                options.HttpMessageHandlerFactory = _ => portal.App.Server.CreateHandler();
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                options.Transports = HttpTransportType.LongPolling;
            })
            .AddJsonProtocol(options => options.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        await connection.StartAsync();
        return connection;
    }

}
