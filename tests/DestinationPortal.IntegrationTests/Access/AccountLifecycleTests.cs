using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using DestinationPortal.Core.Access;
using DestinationPortal.Core.Auditing;
using DestinationPortal.IntegrationTests.Hosting;
using DestinationPortal.Web.Access;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.IntegrationTests.Access;

/// <summary>
/// What happens to credentials over time and at an administrator's hand: API tokens (revocation, expiry, last use),
/// password reset, role change, sign-out and the idle timeout. The app's clock is a <see cref="TestClock"/>.
/// </summary>
public sealed class AccountLifecycleTests : IAsyncLifetime
{
    private const string Password = "lifecycle passphrase 1";

    private readonly TestClock _clock = new();
    private readonly PortalApp _app;

    public AccountLifecycleTests() => _app = new PortalApp(services: services =>
    {
        services.AddSingleton<TimeProvider>(_clock);
        services.AddSingleton<RecordingPasswordValidator>();
        services.AddScoped<IPasswordValidator<PortalUser>>(sp => sp.GetRequiredService<RecordingPasswordValidator>());
        // Every request re-checks the session against the user store, so a change shows at the next request.
        services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = TimeSpan.Zero);
    });

    public async Task InitializeAsync() => await _app.CreateUserAsync("member", PortalRole.Editor, Password);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Token_Revoked_IsRefusedAtOnce_AndTheRevocationAuditedOnce()
    {
        var (id, client) = await TokenClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/destinations")).StatusCode);

        var userId = await UserIdAsync();
        var revoked = await Tokens(s => s.RevokeAsync(userId, id));
        var again = await Tokens(s => s.RevokeAsync(userId, id));

        Assert.True(revoked);
        Assert.False(again);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/destinations")).StatusCode);
        Assert.Single(await AuditRowsAsync(AuditActions.TokenRevoked));
    }

    [Fact]
    public async Task Token_PastItsExpiry_IsRefused()
    {
        var (_, client) = await TokenClientAsync(expiresInDays: 1);
        _clock.Advance(TimeSpan.FromDays(1) - TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/destinations")).StatusCode);

        _clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/destinations")).StatusCode);
    }

    [Fact]
    public async Task Token_LastUse_IsStampedAtUse_AtMostOncePerMinute()
    {
        var (id, client) = await TokenClientAsync();
        Assert.Null((await TokenAsync(id)).LastUsedAtUtc);

        await client.GetAsync("/api/destinations");
        var first = _clock.GetUtcNow().UtcDateTime;
        Assert.Equal(first, (await TokenAsync(id)).LastUsedAtUtc);

        _clock.Advance(TimeSpan.FromSeconds(30));
        await client.GetAsync("/api/destinations");
        Assert.Equal(first, (await TokenAsync(id)).LastUsedAtUtc);

        _clock.Advance(TimeSpan.FromSeconds(30));
        await client.GetAsync("/api/destinations");
        Assert.Equal(_clock.GetUtcNow().UtcDateTime, (await TokenAsync(id)).LastUsedAtUtc);
    }

    [Fact]
    public async Task PasswordReset_ByAnAdministrator_EndsSessions_RefusesTheOldPassword_AndUsesTheRegisteredValidators()
    {
        using var session = await _app.SignedInClientAsync("member", Password);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/destinations")).StatusCode);

        var userId = await UserIdAsync();
        var reset = await _app.WithScopeAsync(s => s.GetRequiredService<UserAdministration>().ResetPasswordAsync(userId));

        Assert.True(reset.Succeeded, reset.Error);
        Assert.Contains(reset.TemporaryPassword!, _app.Services.GetRequiredService<RecordingPasswordValidator>().Seen);
        using (var after = await session.GetAsync("/destinations"))
        {
            Assert.Equal("/account/signin", after.Headers.Location?.AbsolutePath);
        }

        using (var old = await PortalApp.PostSignInAsync(_app.CreateBrowserClient(), "member", Password))
        {
            Assert.Equal(HttpStatusCode.OK, old.StatusCode);
            Assert.Contains("The user name or password is wrong", await old.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var temporary = await PortalApp.PostSignInAsync(_app.CreateBrowserClient(), "member", reset.TemporaryPassword!);
        Assert.Equal("/account/change-password", temporary.Headers.Location?.AbsolutePath);
        Assert.Single(await AuditRowsAsync(AuditActions.UserPasswordReset));
    }

    [Fact]
    public async Task PasswordReset_RefusedByAValidator_KeepsTheOldPassword()
    {
        _app.Services.GetRequiredService<RecordingPasswordValidator>().RefuseAll = true;

        var userId = await UserIdAsync();
        var reset = await _app.WithScopeAsync(s => s.GetRequiredService<UserAdministration>().ResetPasswordAsync(userId));

        Assert.False(reset.Succeeded);
        Assert.Contains(RecordingPasswordValidator.Refusal, reset.Error, StringComparison.Ordinal);
        using var signIn = await PortalApp.PostSignInAsync(_app.CreateBrowserClient(), "member", Password);
        Assert.Equal("/destinations", signIn.Headers.Location?.AbsolutePath);
        Assert.Empty(await AuditRowsAsync(AuditActions.UserPasswordReset));
    }

    [Fact]
    public async Task RoleChange_TakesEffectOnTheNextRequest_ForTokensAndSessions()
    {
        var (_, script) = await TokenClientAsync();
        using var session = await _app.SignedInClientAsync("member", Password);
        using (var before = await script.PostAsJsonAsync("/api/destinations", Destination("before-demotion")))
        {
            Assert.Equal(HttpStatusCode.Created, before.StatusCode);
        }

        var userId = await UserIdAsync();
        var changed = await _app.WithScopeAsync(s => s.GetRequiredService<UserAdministration>().ChangeRoleAsync(userId, PortalRole.Viewer));

        Assert.True(changed.Succeeded, changed.Error);
        using (var create = await script.PostAsJsonAsync("/api/destinations", Destination("after-demotion")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        }

        using (var after = await session.GetAsync("/destinations"))
        {
            Assert.Equal("/account/signin", after.Headers.Location?.AbsolutePath);
        }

        Assert.Contains(await AuditRowsAsync(AuditActions.UserRoleChanged), r => r.Details == "user member: Editor → Viewer");
    }

    [Fact]
    public async Task SignOut_WithTheFormsToken_EndsTheSessionAndIsAudited_WithoutIt_Is400()
    {
        using var session = await _app.SignedInClientAsync("member", Password);
        var page = await session.GetStringAsync("/destinations");

        using (var forged = await session.PostAsync("/account/signout", new FormUrlEncodedContent([])))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/destinations")).StatusCode);
        using var signOut = await session.PostAsync("/account/signout", new FormUrlEncodedContent(
            [new KeyValuePair<string, string>("__RequestVerificationToken", PortalApp.AntiforgeryToken(page))]));

        Assert.Equal("/account/signin", signOut.Headers.Location?.OriginalString);
        using (var after = await session.GetAsync("/destinations"))
        {
            Assert.Equal("/account/signin", after.Headers.Location?.AbsolutePath);
        }

        Assert.Single(await AuditRowsAsync(AuditActions.SignOut), r => r.UserName == "member");
    }

    [Fact]
    public async Task Session_IdleForLongerThanTheIdleTimeout_MustSignInAgain_ActivityKeepsItOpen()
    {
        using var session = await _app.SignedInClientAsync("member", Password);

        // Activity within the 30 minutes slides the session on.
        _clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/destinations")).StatusCode);
        _clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/destinations")).StatusCode);

        _clock.Advance(TimeSpan.FromMinutes(31));

        using var idle = await session.GetAsync("/destinations");
        Assert.Equal("/account/signin", idle.Headers.Location?.AbsolutePath);
    }

    private static object Destination(string name) => new { name, serverName = "db.example", port = 5432, database = "postgres", username = "loader" };

    private Task<string> UserIdAsync() => _app.WithScopeAsync(async s => (await s.GetRequiredService<UserManager<PortalUser>>().FindByNameAsync("member"))!.Id);

    private async Task<(Guid Id, HttpClient Client)> TokenClientAsync(int expiresInDays = 30)
    {
        using var anonymous = _app.CreateClient();
        using var response = await anonymous.PostAsJsonAsync("/api/auth/tokens", new { userName = "member", password = Password, name = "lifecycle", expiresInDays });
        response.EnsureSuccessStatusCode();
        var issued = (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issued.Token);
        return (issued.Id, client);
    }

    private Task<T> Tokens<T>(Func<ApiTokenService, Task<T>> act) => _app.WithScopeAsync(s => act(s.GetRequiredService<ApiTokenService>()));

    private async Task<ApiTokenSummary> TokenAsync(Guid id)
    {
        var userId = await UserIdAsync();
        return (await Tokens(s => s.ListAsync(userId))).Single(t => t.Id == id);
    }

    private Task<List<AuditEntry>> AuditRowsAsync(string action) => _app.WithScopeAsync(async s =>
        (await s.GetRequiredService<AuditTrail>().QueryAsync(new AuditQuery(Action: action, Take: 500))).Items.ToList());

    /// <summary>A password validator registered beside Identity's: proves a path goes through UserManager's validators.</summary>
    private sealed class RecordingPasswordValidator : IPasswordValidator<PortalUser>
    {
        public const string Refusal = "Refused by the test's validator.";

        public System.Collections.Concurrent.ConcurrentBag<string> Seen { get; } = [];

        public bool RefuseAll { get; set; }

        public Task<IdentityResult> ValidateAsync(UserManager<PortalUser> manager, PortalUser user, string? password)
        {
            Seen.Add(password ?? "");
            return Task.FromResult(RefuseAll ? IdentityResult.Failed(new IdentityError { Description = Refusal }) : IdentityResult.Success);
        }
    }
}
