using System.Net;
using DestinationPortal.Core.Access;
using DestinationPortal.Core.Auditing;
using DestinationPortal.IntegrationTests.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.IntegrationTests.Access;

/// <summary>Who gets in: sign-in, lockout, forced password change, disabled users, setup, rate limits.</summary>
public sealed class SignInAndSessionTests : IAsyncLifetime
{
    private readonly PortalApp _app = new(services: services =>
        // Every request re-checks the session against the user store, so "within a minute" is observable without waiting a minute.
        services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = TimeSpan.Zero));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/")]
    [InlineData("/destinations")]
    [InlineData("/destinations/new")]
    [InlineData("/users")]
    [InlineData("/audit")]
    [InlineData("/account/tokens")]
    public async Task Anonymous_Pages_RedirectToSignIn(string path)
    {
        using var client = _app.CreateBrowserClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/signin", response.Headers.Location!.AbsolutePath);
    }

    [Theory]
    [InlineData("/api/destinations")]
    [InlineData("/api/audit/export.csv")]
    [InlineData("/hubs/connection-tests/negotiate?negotiateVersion=1")]
    public async Task Anonymous_ApiAndHub_Get401(string path)
    {
        using var client = _app.CreateBrowserClient();

        using var response = await client.PostAsync(path, null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Anonymous_Circuit_IsNotOpened()
    {
        using var client = _app.CreateBrowserClient();

        using var response = await client.PostAsync("/_blazor/negotiate?negotiateVersion=1", null);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/signin", response.Headers.Location!.AbsolutePath);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/account/signin")]
    [InlineData("/app.css")]
    public async Task Anonymous_SignInHealthAndStaticFiles_AreOpen(string path)
    {
        using var client = _app.CreateBrowserClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task SignIn_RightPassword_OpensTheSessionWithAStrictHttpOnlyCookie_AndIsAudited()
    {
        using var client = _app.CreateBrowserClient();

        using var response = await PortalApp.PostSignInAsync(client, PortalApp.AdminName, PortalApp.AdminPassword);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("DestinationPortal.Session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        var home = await client.GetStringAsync("/destinations");
        Assert.Contains("Manage Destinations", home);
        var rows = await AuditRowsAsync(AuditActions.SignIn);
        var row = Assert.Single(rows);
        Assert.Equal((PortalApp.AdminName, AuditOutcomes.Succeeded), (row.UserName, row.Outcome));
        Assert.False(string.IsNullOrEmpty(row.SourceAddress));
    }

    [Fact]
    public async Task SignIn_WrongPassword_IsRefusedWithOneMessageAndAudited()
    {
        using var client = _app.CreateBrowserClient();

        using var response = await PortalApp.PostSignInAsync(client, PortalApp.AdminName, "not the password at all");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The user name or password is wrong", await response.Content.ReadAsStringAsync());
        Assert.Equal("wrong user name or password", Assert.Single(await AuditRowsAsync(AuditActions.SignInFailed)).Details);
    }

    [Fact]
    public async Task BruteForce_LocksTheUserFromThatAddress_EvenForTheRightPassword()
    {
        await _app.CreateUserAsync("mallory-target", PortalRole.Editor, "the right passphrase");
        using var client = _app.CreateBrowserClient("127.0.0.21");
        for (var i = 0; i < 5; i++)
        {
            using var _ = await PortalApp.PostSignInAsync(client, "mallory-target", "guess number " + i);
        }

        using var response = await PortalApp.PostSignInAsync(client, "mallory-target", "the right passphrase");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("locked here for 15 minutes", await response.Content.ReadAsStringAsync());
        Assert.Contains(await AuditRowsAsync(AuditActions.SignInFailed), r => r.Details == "locked from this address after repeated failures" && r.SourceAddress == "127.0.0.21");
    }

    [Fact]
    public async Task TemporaryPassword_MustBeChangedBeforeTheSessionOpens()
    {
        var issued = await _app.WithScopeAsync(s => s.GetRequiredService<UserAdministration>().CreateAsync("newcomer", PortalRole.Viewer));
        Assert.True(issued.Succeeded);
        using var client = _app.CreateBrowserClient();

        using var signIn = await PortalApp.PostSignInAsync(client, "newcomer", issued.TemporaryPassword!);
        Assert.Equal("/account/change-password", signIn.Headers.Location!.AbsolutePath);
        using (var stillOut = await client.GetAsync("/destinations"))
        {
            Assert.Equal(HttpStatusCode.Redirect, stillOut.StatusCode);
        }

        var page = await client.GetStringAsync(signIn.Headers.Location);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = PortalApp.AntiforgeryToken(page),
            ["_handler"] = "change-password",
            ["Form.UserName"] = "newcomer",
            ["Form.CurrentPassword"] = issued.TemporaryPassword!,
            ["Form.NewPassword"] = "my own long passphrase",
            ["Form.ConfirmPassword"] = "my own long passphrase",
        });
        using var changed = await client.PostAsync("/account/change-password", form);

        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Contains("Manage Destinations", await client.GetStringAsync("/destinations"));
        Assert.Single(await AuditRowsAsync(AuditActions.PasswordChanged));
    }

    [Fact]
    public async Task DisabledUser_LosesTheOpenSessionAndTheToken()
    {
        await _app.CreateUserAsync("leaver", PortalRole.Editor, "leaver passphrase 1");
        using var session = await _app.SignedInClientAsync("leaver", "leaver passphrase 1");
        using var scripted = await _app.TokenClientAsync("leaver", "leaver passphrase 1");
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/destinations")).StatusCode);
        // Signed in by token but not an administrator: 403, not 401.
        Assert.Equal(HttpStatusCode.Forbidden, (await scripted.GetAsync("/api/audit/export.csv")).StatusCode);
        var leaverId = await _app.WithScopeAsync(async s => (await s.GetRequiredService<UserManager<PortalUser>>().FindByNameAsync("leaver"))!.Id);

        var disabled = await _app.WithScopeAsync(s => s.GetRequiredService<UserAdministration>().SetDisabledAsync(leaverId, disabled: true));

        Assert.True(disabled.Succeeded);
        using var afterSession = await session.GetAsync("/destinations");
        Assert.Equal(HttpStatusCode.Redirect, afterSession.StatusCode);
        Assert.Equal("/account/signin", afterSession.Headers.Location!.AbsolutePath);
        using var afterToken = await scripted.GetAsync("/api/audit/export.csv");
        Assert.Equal(HttpStatusCode.Unauthorized, afterToken.StatusCode);
        using var signInAgain = await PortalApp.PostSignInAsync(_app.CreateBrowserClient(), "leaver", "leaver passphrase 1");
        Assert.Equal(HttpStatusCode.OK, signInAgain.StatusCode);
    }

    [Fact]
    public async Task LastAdministrator_CannotBeDisabledOrDemoted()
    {
        var administration = (Func<UserAdministration, Task<UserChangeResult>> act) => _app.WithScopeAsync(s => act(s.GetRequiredService<UserAdministration>()));
        var adminId = await _app.WithScopeAsync(async s => (await s.GetRequiredService<UserManager<PortalUser>>().FindByNameAsync(PortalApp.AdminName))!.Id);

        var disable = await administration(a => a.SetDisabledAsync(adminId, true));
        var demote = await administration(a => a.ChangeRoleAsync(adminId, PortalRole.Editor));

        Assert.Contains("last administrator cannot be disabled", disable.Error);
        Assert.Contains("last administrator cannot be demoted", demote.Error);
        await _app.CreateUserAsync("second-admin", PortalRole.Administrator);
        Assert.True((await administration(a => a.ChangeRoleAsync(adminId, PortalRole.Editor))).Succeeded);
    }

    [Fact]
    public async Task CrossOriginWebSocket_ToTheCircuitOrTheHub_IsRefused()
    {
        using var client = await _app.SignedInClientAsync();

        foreach (var path in new[] { "/_blazor/negotiate?negotiateVersion=1", "/hubs/connection-tests/negotiate?negotiateVersion=1" })
        {
            using var foreign = new HttpRequestMessage(HttpMethod.Post, path);
            foreign.Headers.Add("Origin", "https://evil.example");
            using var own = new HttpRequestMessage(HttpMethod.Post, path);
            own.Headers.Add("Origin", client.BaseAddress!.GetLeftPart(UriPartial.Authority));

            Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(foreign)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(own)).StatusCode);
        }
    }

    [Fact]
    public async Task Pages_CarryTheSecurityHeaders()
    {
        using var client = _app.CreateBrowserClient();

        using var response = await client.GetAsync("/account/signin");

        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task SetupPage_IsGoneOnceAnAdministratorExists()
    {
        using var client = _app.CreateBrowserClient();

        using var response = await client.GetAsync("/account/setup");

        Assert.True(HttpStatusCode.NotFound == response.StatusCode, response.Headers.Location + "\n" + string.Join("\n", _app.Logs.Where(l => l.Contains("account", StringComparison.OrdinalIgnoreCase) || l.StartsWith("Error", StringComparison.Ordinal))));
    }

    private Task<List<AuditEntry>> AuditRowsAsync(string action) => _app.WithScopeAsync(async s =>
        (await s.GetRequiredService<AuditTrail>().QueryAsync(new AuditQuery(Action: action, Take: 500))).Items.ToList());
}
