using System.Net;
using System.Security.Cryptography;
using System.Text;
using DestinationPortal.IntegrationTests.Access;
using DestinationPortal.IntegrationTests.Hosting;
using Npgsql;

namespace DestinationPortal.IntegrationTests.Store;

/// <summary>
/// Issue 14: two portal instances on one PostgreSQL store and no Portal:Admin. One setup token for the portal, printed by
/// one instance, kept hashed in the store, accepted by the setup page of the other.
/// </summary>
[Collection(PostgreSqlTestGroup.Name)]
public sealed class SharedSetupTokenTests(PostgreSqlServers servers) : IAsyncLifetime
{
    private readonly List<PortalApp> _apps = [];
    private string _store = null!;

    public async Task InitializeAsync() => _store = await PostgreSqlStoreDatabase.CreateWithServerDefaultsAsync(servers.NoTls);

    public async Task DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task TwoInstancesWithoutAdministrator_OnePrintsTheToken_TheOtherAcceptsIt_WrongTokenRefused()
    {
        var (a, b) = (Instance(), Instance());
        // One after the other: starting together is the start-up lock's business (SharedStoreTests); here the second
        // start must find the first one's token and leave it valid.
        _ = a.Services;
        _ = b.Services;

        var apps = new[] { a, b };
        var printed = apps.Select(app => SetupForm.TokenInLog().Matches(string.Join("\n", app.Logs)).Select(m => m.Groups[1].Value).ToList()).ToList();
        var printer = Assert.Single(Enumerable.Range(0, apps.Length), i => printed[i].Count > 0);
        var token = Assert.Single(printed[printer]);
        var other = apps[1 - printer];
        Assert.Contains(other.Logs, line => line.Contains("Another portal instance on this store printed the one-time setup token", StringComparison.Ordinal));
        // The store keeps the token's SHA-256, never the token.
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(token)), await StoredHashAsync());

        using var client = other.CreateBrowserClient();
        using (var wrong = await SetupForm.PostAsync(client, "WRONGTOKENWRONGTOKENWRON"))
        {
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains("That setup token is not valid", await wrong.Content.ReadAsStringAsync());
        }

        using (var right = await SetupForm.PostAsync(client, token))
        {
            Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        }

        Assert.Contains("Manage Destinations", await client.GetStringAsync("/destinations"));
        Assert.Null(await StoredHashAsync());
        // Setup is over on both instances, also on the one that printed the token.
        foreach (var app in new[] { a, b })
        {
            using var anonymous = app.CreateBrowserClient();
            using var gone = await anonymous.GetAsync("/account/setup");
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }
    }

    private PortalApp Instance()
    {
        var settings = new Dictionary<string, string?>(PostgreSqlStoreDatabase.Settings(_store)) { ["Portal:Admin:UserName"] = "", ["Portal:Admin:Password"] = "" };
        var app = new PortalApp(settings);
        _apps.Add(app);
        return app;
    }

    private async Task<byte[]?> StoredHashAsync()
    {
        await using var connection = new NpgsqlConnection(_store);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT "TokenHash" FROM "SetupToken" """, connection);
        return (byte[]?)await command.ExecuteScalarAsync();
    }
}
