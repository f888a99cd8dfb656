using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using DestinationPortal.Core.Access;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Persistence;
using DestinationPortal.IntegrationTests.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.IntegrationTests.Access;

/// <summary>Roles enforced where the work is done (services, hub, endpoints), and the audit trail they leave.</summary>
[Collection(PostgreSqlTestGroup.Name)]
public sealed class RolesAndAuditTests(PostgreSqlServers servers) : IAsyncLifetime
{
    private const string Canary = "P@ss-canary-7c1e9d";

    private readonly PortalApp _app = new();

    public async Task InitializeAsync()
    {
        await _app.CreateUserAsync("viewer", PortalRole.Viewer, "viewer passphrase 1");
        await _app.CreateUserAsync("editor", PortalRole.Editor, "editor passphrase 1");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private DestinationInput Input(string name = "warehouse") => new()
    {
        Name = name,
        ServerName = "127.0.0.1",
        Port = servers.Tls.Port.ToString(CultureInfo.InvariantCulture),
        TlsMode = TlsMode.Require,
        Username = TestRoles.Scram,
        Password = TestRoles.ScramPassword,
        Database = "postgres",
    };

    private Task<Guid> SeedAsync(string name = "warehouse") => _app.WithScopeAsync(async s =>
        (await s.GetRequiredService<DestinationService>().CreateAsync(Input(name))).Id!.Value, "editor");

    private Task<List<AuditEntry>> AuditAsync() => _app.WithScopeAsync(async s =>
        (await s.GetRequiredService<AuditTrail>().QueryAsync(new AuditQuery(Take: 500))).Items.ToList());

    [Fact]
    public async Task Viewer_CallingEveryDestinationChangeDirectly_IsDeniedAndEachAttemptAudited()
    {
        var id = await SeedAsync();
        var attempts = new Func<IServiceProvider, Task>[]
        {
            s => s.GetRequiredService<DestinationService>().CreateAsync(Input("other")),
            async s => await s.GetRequiredService<DestinationService>().UpdateAsync(id, Guid.NewGuid(), Input()),
            s => s.GetRequiredService<DestinationService>().DeleteAsync(id),
            async s => await s.GetRequiredService<DestinationTestRunner>().TestSavedAsync(id).ToListAsync(),
            s => s.GetRequiredService<UserAdministration>().CreateAsync("sneaky", PortalRole.Administrator),
            s => s.GetRequiredService<AuditTrail>().QueryAsync(new AuditQuery()),
        };

        foreach (var attempt in attempts)
        {
            await Assert.ThrowsAsync<PortalAccessDeniedException>(() => _app.WithScopeAsync(async s => { await attempt(s); return 0; }, "viewer"));
        }

        var denied = (await AuditAsync()).Where(e => e.Action == AuditActions.AccessDenied).ToList();
        Assert.Equal(attempts.Length, denied.Count);
        Assert.All(denied, e => Assert.Equal(("viewer", AuditOutcomes.Denied, "127.0.0.1"), (e.UserName, e.Outcome, e.SourceAddress)));
        var list = await _app.WithScopeAsync(s => s.GetRequiredService<DestinationService>().ListAsync(new DestinationListQuery()), "viewer");
        Assert.Equal("warehouse", Assert.Single(list.Items).Name);
    }

    [Fact]
    public async Task Viewer_TestingThroughTheHub_IsForbiddenAndNothingConnects()
    {
        var id = await SeedAsync();
        await using var hub = await ConnectAsync("viewer", "viewer passphrase 1");

        var error = await Assert.ThrowsAsync<HubException>(async () => await hub.StreamAsync<ConnectionTestEvent>("TestDestination", id).ToListAsync());

        Assert.Contains("Forbidden: Your role does not allow testing destinations.", error.Message);
        Assert.Contains(await AuditAsync(), e => e.Action == AuditActions.AccessDenied && e.UserName == "viewer");
        Assert.DoesNotContain(await AuditAsync(), e => e.Action == AuditActions.DestinationTested);
    }

    [Fact]
    public async Task ViewerAndEditor_AreRefusedAdministratorPages_AndTheAuditExport()
    {
        foreach (var (user, password) in new[] { ("viewer", "viewer passphrase 1"), ("editor", "editor passphrase 1") })
        {
            using var browser = await _app.SignedInClientAsync(user, password);
            using var script = await _app.TokenClientAsync(user, password);

            foreach (var page in new[] { "/users", "/audit" })
            {
                using var response = await browser.GetAsync(page);
                Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
                Assert.Equal("/account/denied", response.Headers.Location!.AbsolutePath);
            }

            Assert.Equal(HttpStatusCode.Forbidden, (await script.GetAsync("/api/audit/export.csv")).StatusCode);
        }
    }

    [Fact]
    public async Task EveryAuditedDestinationAction_WritesExactlyOneCompleteRow_WithoutSecrets()
    {
        var id = await _app.WithScopeAsync(async s =>
        {
            var input = Input();
            input.Password = Canary;
            return (await s.GetRequiredService<DestinationService>().CreateAsync(input)).Id!.Value;
        }, "editor");
        var copy = await _app.WithScopeAsync(async s =>
            (await s.GetRequiredService<DestinationService>().CreateAsync(Input("Copy of warehouse"), copiedFrom: id)).Id!.Value, "editor");
        await _app.WithScopeAsync(async s =>
        {
            var service = s.GetRequiredService<DestinationService>();
            var current = await service.GetForEditAsync(id);
            var input = DestinationInput.From(current!.Definition) with { Database = "template1", Password = Canary + "-2" };
            return await service.UpdateAsync(id, current.Version, input);
        }, "editor");
        await _app.WithScopeAsync(async s => await s.GetRequiredService<DestinationTestRunner>().TestSavedAsync(copy).ToListAsync(), "editor");
        await _app.WithScopeAsync(s => s.GetRequiredService<DestinationService>().DeleteAsync(id), "editor");

        var rows = (await AuditAsync()).Where(e => e.UserName == "editor").OrderBy(e => e.Id).ToList();

        Assert.Equal(
            [AuditActions.DestinationCreated, AuditActions.DestinationCopied, AuditActions.DestinationUpdated, AuditActions.DestinationTested, AuditActions.DestinationDeleted],
            rows.Select(r => r.Action));
        Assert.All(rows, r =>
        {
            Assert.NotEqual(default, r.AtUtc);
            Assert.Equal(DateTimeKind.Utc, r.AtUtc.Kind);
            Assert.Equal("127.0.0.1", r.SourceAddress);
            Assert.NotNull(r.DestinationId);
            Assert.False(string.IsNullOrEmpty(r.DestinationName));
            Assert.Equal($"127.0.0.1:{servers.Tls.Port}", r.Target);
            Assert.False(string.IsNullOrEmpty(r.Outcome));
        });
        Assert.Equal("Password, Database", rows[2].ChangedFields); // in the form's order
        Assert.Contains("copied from \"warehouse\"", rows[1].Details);
        Assert.Equal(AuditOutcomes.Succeeded, rows[3].Outcome);
        Assert.DoesNotContain(rows, r => JsonSerializer.Serialize(r).Contains(Canary, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AuditTrail_IsAppendOnly_InTheDatabaseItself()
    {
        await SeedAsync();
        await using var db = await _app.WithScopeAsync(s => Task.FromResult(s.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext()), null);

        var update = await Assert.ThrowsAsync<SqliteException>(() => db.AuditEntries.ExecuteUpdateAsync(e => e.SetProperty(x => x.UserName, "someone-else")));
        var delete = await Assert.ThrowsAsync<SqliteException>(() => db.AuditEntries.ExecuteDeleteAsync());

        Assert.Contains("append-only", update.Message);
        Assert.Contains("append-only", delete.Message);
    }

    [Fact]
    public async Task CanaryPassword_NeverLeavesTheServer_DbWalLogsHtmlHubOrApi()
    {
        var id = await _app.WithScopeAsync(async s =>
        {
            var input = Input();
            input.Password = Canary;
            return (await s.GetRequiredService<DestinationService>().CreateAsync(input)).Id!.Value;
        }, "editor");

        using var browser = await _app.SignedInClientAsync("editor", "editor passphrase 1");
        var html = await browser.GetStringAsync($"/destinations/{id}") + await browser.GetStringAsync("/destinations");
        await using var hub = await ConnectAsync("editor", "editor passphrase 1");
        var events = await hub.StreamAsync<ConnectionTestEvent>("TestDestination", id).ToListAsync();
        using var script = await _app.TokenClientAsync();
        using var export = await script.GetAsync("/api/audit/export.csv");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        var api = await export.Content.ReadAsStringAsync();
        Assert.Contains("destination-tested", api);

        Assert.Equal(ConnectionTestCategory.Authentication, events[^1].Outcome!.Category); // the canary is the wrong password: one real attempt was made
        Assert.DoesNotContain(Canary, html, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, JsonSerializer.Serialize(events), StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, api, StringComparison.Ordinal);
        Assert.DoesNotContain(_app.Logs, line => line.Contains(Canary, StringComparison.Ordinal));
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(_app.DataDirectory, "portal.db*"))
        {
            Assert.DoesNotContain(Canary, File.ReadAllText(file), StringComparison.Ordinal);
        }
    }

    private async Task<HubConnection> ConnectAsync(string user, string password)
    {
        var token = await _app.IssueTokenAsync(user, password);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(_app.Server.BaseAddress, "hubs/connection-tests"), options =>
            {
                options.HttpMessageHandlerFactory = _ => _app.Server.CreateHandler();
                options.Transports = HttpTransportType.LongPolling;
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .AddJsonProtocol(options => options.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        await connection.StartAsync();
        return connection;
    }
}
