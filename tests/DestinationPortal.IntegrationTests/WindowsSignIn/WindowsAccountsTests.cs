using DestinationPortal.Core.Access;
using DestinationPortal.Core.Auditing;
using DestinationPortal.IntegrationTests.Hosting;
using DestinationPortal.Web.Access;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.IntegrationTests.WindowsSignIn;

/// <summary>
/// Which portal user a verified principal becomes (<see cref="WindowsAccounts"/>), in the real app's services: the rules
/// behind the Kerberos exchange, each case set up straight in the store.
/// </summary>
public sealed class WindowsAccountsTests : IAsyncLifetime
{
    private const string Realm = "CORP.EXAMPLE";

    private readonly PortalApp _app = Portal(createUnknownUsers: false);
    private readonly PortalApp _creating = Portal(createUnknownUsers: true);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _creating.DisposeAsync();
    }

    [Fact]
    public async Task PrincipalOfAnotherRealm_IsRefused_EvenWhenItsNameIsAUser_AndIsAudited()
    {
        await _app.CreateUserAsync("erin", PortalRole.Administrator);

        var result = await ResolveAsync(_app, "erin@OTHER.EXAMPLE");

        Assert.Null(result.User);
        Assert.Equal(ExternalRefusal.OtherRealm, result.Refusal);
        Assert.Empty(await LoginsAsync(_app, "erin"));
        Assert.Contains(await AuditAsync(_app, "erin@OTHER.EXAMPLE"), r => r.Action == AuditActions.SignInFailed && r.Details!.Contains("is not a user of realm CORP.EXAMPLE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LinkedPrincipal_FindsItsUserAfterARename_NotTheNewUserOfItsOldName()
    {
        await _app.CreateUserAsync("dora", PortalRole.Editor);
        var linked = await ResolveAsync(_app, $"dora@{Realm}");
        Assert.True(linked.Linked);
        await _app.WithScopeAsync(async s =>
        {
            var users = s.GetRequiredService<UserManager<PortalUser>>();
            var renamed = await users.SetUserNameAsync((await users.FindByNameAsync("dora"))!, "dora-old");
            Assert.True(renamed.Succeeded, string.Join(" ", renamed.Errors.Select(e => e.Description)));
            return 0;
        });
        await _app.CreateUserAsync("dora", PortalRole.Administrator);

        var again = await ResolveAsync(_app, $"dora@{Realm}");

        Assert.Equal("dora-old", again.User?.UserName);
        Assert.False(again.Linked);
        Assert.Empty(await LoginsAsync(_app, "dora"));
    }

    [Fact]
    public async Task UserLinkedToAnotherSignIn_IsNotTakenOver()
    {
        await _app.CreateUserAsync("frank", PortalRole.Administrator);
        await _app.WithScopeAsync(async s =>
        {
            var users = s.GetRequiredService<UserManager<PortalUser>>();
            Assert.True((await users.AddLoginAsync((await users.FindByNameAsync("frank"))!, new UserLoginInfo("oidc:https://id.example", "sub-frank", "oidc"))).Succeeded);
            return 0;
        });

        var result = await ResolveAsync(_app, $"frank@{Realm}");

        Assert.Null(result.User);
        Assert.Equal(ExternalRefusal.NameTaken, result.Refusal);
        Assert.Equal(["oidc:https://id.example"], await LoginsAsync(_app, "frank"));
    }

    [Fact]
    public async Task DisabledUser_IsRefused_AndIsAudited()
    {
        await _app.CreateUserAsync("gina", PortalRole.Viewer);
        await _app.WithScopeAsync(async s =>
        {
            var users = s.GetRequiredService<UserManager<PortalUser>>();
            var user = (await users.FindByNameAsync("gina"))!;
            user.IsDisabled = true;
            return await users.UpdateAsync(user);
        });

        var result = await ResolveAsync(_app, $"gina@{Realm}");

        Assert.Null(result.User);
        Assert.Equal(ExternalRefusal.Disabled, result.Refusal);
        Assert.Contains(await AuditAsync(_app, "gina"), r => r.Action == AuditActions.SignInFailed && r.Details == $"Windows sign-in refused: account disabled (gina@{Realm})");
    }

    [Fact]
    public async Task LocalUserWithTheirOwnPassword_KeepsIt_WhenLinked()
    {
        var password = await _app.CreateUserAsync("hank", PortalRole.Editor);

        var result = await ResolveAsync(_app, $"hank@{Realm}");

        Assert.Equal("hank", result.User?.UserName);
        Assert.True(await _app.WithScopeAsync(async s =>
        {
            var users = s.GetRequiredService<UserManager<PortalUser>>();
            return await users.CheckPasswordAsync((await users.FindByNameAsync("hank"))!, password);
        }));
    }

    [Fact]
    public async Task UnknownPrincipal_IsRefusedByDefault_AndCreatedAsViewerWhenConfigured()
    {
        var refused = await ResolveAsync(_app, $"ivy@{Realm}");
        var created = await ResolveAsync(_creating, $"ivy@{Realm}");

        Assert.Equal(ExternalRefusal.UnknownUser, refused.Refusal);
        Assert.Equal(PortalRole.Viewer, created.User?.Role);
        Assert.Equal([WindowsAccounts.LoginProvider], await LoginsAsync(_creating, "ivy"));
        Assert.Contains(await AuditAsync(_creating, "ivy"), r => r.Action == AuditActions.UserCreated && r.Details == $"user ivy with role Viewer at first Windows sign-in (ivy@{Realm})");
        // A service principal is no person's account, whatever the setting.
        Assert.Equal(ExternalRefusal.OtherRealm, (await ResolveAsync(_creating, $"HTTP/portal.corp.example@{Realm}")).Refusal);
    }

    private static PortalApp Portal(bool createUnknownUsers) => new(new Dictionary<string, string?>
    {
        ["Portal:Authentication:Windows:Enabled"] = "true",
        ["Portal:Authentication:Windows:Realm"] = Realm,
        ["Portal:Authentication:Windows:CreateUnknownUsersAsViewer"] = createUnknownUsers ? "true" : "false",
    });

    private static Task<WindowsSignInResult> ResolveAsync(PortalApp app, string principal) =>
        app.WithScopeAsync(s => s.GetRequiredService<WindowsAccounts>().ResolveAsync(principal), userName: null);

    private static Task<List<string>> LoginsAsync(PortalApp app, string userName) => app.WithScopeAsync(async s =>
    {
        var users = s.GetRequiredService<UserManager<PortalUser>>();
        return (await users.GetLoginsAsync((await users.FindByNameAsync(userName))!)).Select(l => l.LoginProvider).ToList();
    });

    private static Task<List<AuditEntry>> AuditAsync(PortalApp app, string userName) => app.WithScopeAsync(async s =>
        (await s.GetRequiredService<AuditTrail>().QueryAsync(new AuditQuery(UserName: userName, Take: 500))).Items.ToList());
}

/// <summary>A Windows sign-in the portal could not carry out stops the start, naming the setting.</summary>
public sealed class WindowsSignInSettingsTests
{
    [Theory]
    [InlineData(null, null, "Portal:Authentication:Windows:Realm is required")]
    [InlineData("CORP.EXAMPLE", "/nonexistent/http.keytab", "Portal:Authentication:Windows:Keytab names a file that does not exist")]
    public async Task Enabled_WithoutRealmOrWithAMissingKeytab_StopsTheStart(string? realm, string? keytab, string message)
    {
        await using var app = new PortalApp(new Dictionary<string, string?>
        {
            ["Portal:Authentication:Windows:Enabled"] = "true",
            ["Portal:Authentication:Windows:Realm"] = realm,
            ["Portal:Authentication:Windows:Keytab"] = keytab,
        });

        var refused = Assert.ThrowsAny<Exception>(() => app.Services);

        Assert.Contains(message, refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NothingSet_NoWindowsSignIn_NoButton()
    {
        await using var app = new PortalApp();
        using var client = app.CreateBrowserClient();

        var page = await client.GetStringAsync("/account/signin");
        using var endpoint = await client.GetAsync("/account/windows");

        Assert.DoesNotContain("Sign in with Windows", page, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, endpoint.StatusCode);
        Assert.False(endpoint.Headers.Contains("WWW-Authenticate"));
    }
}
