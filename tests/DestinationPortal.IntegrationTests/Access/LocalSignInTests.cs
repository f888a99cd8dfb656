using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using DestinationPortal.Core.Access;
using DestinationPortal.Core.Auditing;
using DestinationPortal.IntegrationTests.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.IntegrationTests.Access;

/// <summary>
/// <c>Portal:Authentication:LocalSignIn = AdministratorsOnly</c>: the company's sign-in is configured but unreachable (its
/// authority is a closed loopback port, never contacted here), which is exactly when the break-glass administrator needs
/// the password form. Everyone else is refused with the company sign-in named, the same way whether their password was
/// right or wrong, and every refusal counts towards the lock.
/// </summary>
public sealed partial class LocalSignInTests : IAsyncLifetime
{
    private const string EditorPassword = "the editor's right passphrase";
    private const string Refusal = "Everyone else: use “Sign in with Test Identity”.";
    private const string AuditReason = "password sign-in is for local administrators only (Portal:Authentication:LocalSignIn)";

    private readonly PortalApp _app = new(AdministratorsOnlySettings);

    public static Dictionary<string, string?> AdministratorsOnlySettings => new()
    {
        ["Portal:Authentication:LocalSignIn"] = "AdministratorsOnly",
        ["Portal:Authentication:Oidc:Authority"] = "http://127.0.0.1:9/company",
        ["Portal:Authentication:Oidc:ClientId"] = "portal",
        ["Portal:Authentication:Oidc:ClientSecret"] = "never sent in these tests",
        ["Portal:Authentication:Oidc:RequireHttpsMetadata"] = "false",
        ["Portal:Authentication:Oidc:DisplayName"] = "Test Identity",
        ["Portal:Authentication:Oidc:RoleMapping:Administrator:0"] = "portal-admins",
    };

    public async Task InitializeAsync() => await _app.CreateUserAsync("editor", PortalRole.Editor, EditorPassword);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task BreakGlass_LocalAdministrator_SignsInWithAPassword()
    {
        using var client = _app.CreateBrowserClient();

        using var response = await PortalApp.PostSignInAsync(client, PortalApp.AdminName, PortalApp.AdminPassword);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("Manage Destinations", await client.GetStringAsync("/destinations"));
        Assert.Contains(await AuditRowsAsync(PortalApp.AdminName), r => r.Action == AuditActions.SignIn);
    }

    [Fact]
    public async Task SignInPage_NamesTheCompanySignInFirst_AndTheFormAsTheBreakGlassAccount()
    {
        using var client = _app.CreateBrowserClient();

        var page = await client.GetStringAsync("/account/signin");

        var company = page.IndexOf("Sign in with Test Identity", StringComparison.Ordinal);
        var local = page.IndexOf("<h2>Administrator break-glass account</h2>", StringComparison.Ordinal);
        Assert.True(company >= 0 && local > company, "the company sign-in comes first, then the titled password form");
    }

    [Fact]
    public async Task LocalEditor_RightPassword_IsRefusedNamingTheCompanySignIn_AndAudited()
    {
        using var client = _app.CreateBrowserClient("127.0.0.81");

        using var response = await PortalApp.PostSignInAsync(client, "editor", EditorPassword);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.EndsWith(Refusal, Alert(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        using var destinations = await client.GetAsync("/destinations");
        Assert.Equal("/account/signin", destinations.Headers.Location?.AbsolutePath);
        var row = Assert.Single(await AuditRowsAsync("editor"));
        Assert.Equal((AuditActions.SignInFailed, AuditOutcomes.Failed, AuditReason), (row.Action, row.Outcome, row.Details));
    }

    [Fact]
    public async Task LocalEditor_RightAndWrongPassword_GetTheSameAnswer_AsDoesAnUnknownName()
    {
        var right = await SignInAnswerAsync("127.0.0.82", "editor", EditorPassword);
        var wrong = await SignInAnswerAsync("127.0.0.83", "editor", "a wrong guess");
        var unknown = await SignInAnswerAsync("127.0.0.84", "nobody", "a wrong guess");

        Assert.Equal(right, wrong);
        Assert.Equal(right, unknown);
        Assert.EndsWith(Refusal, right.Alert, StringComparison.Ordinal);
        // The audit trail does not record which it was either.
        Assert.Equal([AuditReason, AuditReason], (await AuditRowsAsync("editor")).Select(r => r.Details));
    }

    [Fact]
    public async Task LocalEditor_RightPasswordRepeated_LocksTheAddressLikeWrongGuesses()
    {
        using var guesser = _app.CreateBrowserClient("127.0.0.85");
        for (var i = 0; i < 5; i++)
        {
            using var _ = await PortalApp.PostSignInAsync(guesser, "editor", EditorPassword);
        }

        var locked = await SignInAnswerAsync("127.0.0.85", "editor", EditorPassword);
        var elsewhere = await SignInAnswerAsync("127.0.0.86", "editor", EditorPassword);

        Assert.Contains("locked here for 15 minutes", locked.Alert, StringComparison.Ordinal);
        Assert.EndsWith(Refusal, elsewhere.Alert, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenRequest_LocalEditor_IsRefusedAlikeForRightAndWrongPassword_TheAdministratorGetsOne()
    {
        using var client = _app.CreateClient();

        using var right = await client.PostAsJsonAsync("/api/auth/tokens", new { userName = "editor", password = EditorPassword });
        using var wrong = await client.PostAsJsonAsync("/api/auth/tokens", new { userName = "editor", password = "a wrong guess" });

        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var detail = (await right.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail;
        Assert.Equal(detail, (await wrong.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        Assert.Contains("Sign in with Test Identity and create an API token", detail, StringComparison.Ordinal);
        Assert.NotEmpty(await _app.IssueTokenAsync());
    }

    [Fact]
    public async Task PasswordChange_LocalEditor_IsRefused_AndThePasswordStays()
    {
        using var client = _app.CreateBrowserClient("127.0.0.87");
        var page = await client.GetStringAsync("/account/change-password");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = PortalApp.AntiforgeryToken(page),
            ["_handler"] = "change-password",
            ["Form.UserName"] = "editor",
            ["Form.CurrentPassword"] = EditorPassword,
            ["Form.NewPassword"] = "a brand new passphrase",
            ["Form.ConfirmPassword"] = "a brand new passphrase",
        });

        using var response = await client.PostAsync("/account/change-password", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("The user name or current password is wrong", Alert(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.True(await _app.WithScopeAsync(async s =>
        {
            var users = s.GetRequiredService<UserManager<PortalUser>>();
            return await users.CheckPasswordAsync((await users.FindByNameAsync("editor"))!, EditorPassword);
        }));
    }

    private async Task<(HttpStatusCode Status, string Alert)> SignInAnswerAsync(string address, string userName, string password)
    {
        using var client = _app.CreateBrowserClient(address);
        using var response = await PortalApp.PostSignInAsync(client, userName, password);
        return (response.StatusCode, Alert(await response.Content.ReadAsStringAsync()));
    }

    private Task<List<AuditEntry>> AuditRowsAsync(string userName) => _app.WithScopeAsync(async s =>
        (await s.GetRequiredService<AuditTrail>().QueryAsync(new AuditQuery(UserName: userName, Take: 100))).Items.ToList());

    private static string Alert(string html) =>
        AlertPattern().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException("No alert in the page.");

    [GeneratedRegex("role=\"alert\">([^<]*)</p>")]
    private static partial Regex AlertPattern();
}
