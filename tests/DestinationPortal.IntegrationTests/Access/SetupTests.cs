using System.Net;
using System.Net.Http.Json;
using DestinationPortal.Core.Access;
using DestinationPortal.Core.Auditing;
using DestinationPortal.IntegrationTests.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.IntegrationTests.Access;

/// <summary>First run without Portal:Admin: a one-time token from the log, refused when wrong, gone once used.</summary>
public sealed class SetupTests : IAsyncLifetime
{
    private readonly PortalApp _app = new(new Dictionary<string, string?> { ["Portal:Admin:UserName"] = "", ["Portal:Admin:Password"] = "" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task WrongToken_IsRefusedAndAudited_RightTokenCreatesTheAdministratorOnce()
    {
        using var client = _app.CreateBrowserClient();
        var token = SetupForm.TokenInLog().Match(string.Join("\n", await LogsAfterStartAsync(client))).Groups[1].Value;
        Assert.Equal(24, token.Length);

        using var wrong = await SetupForm.PostAsync(client, "WRONGTOKENWRONGTOKENWRON");
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("That setup token is not valid", await wrong.Content.ReadAsStringAsync());

        using var right = await SetupForm.PostAsync(client, token);
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Contains("Manage Destinations", await client.GetStringAsync("/destinations"));
        using (var gone = await client.GetAsync("/account/setup"))
        {
            Assert.True(gone.StatusCode == HttpStatusCode.NotFound, string.Join("\n", _app.Logs.Where(l => l.StartsWith("Error", StringComparison.Ordinal))));
        }

        var again = await _app.WithScopeAsync(s => s.GetRequiredService<FirstAdministrator>().CompleteSetupAsync(token, "second", "another long passphrase", "127.0.0.1"), userName: null);
        Assert.False(again.Succeeded);
        var audit = await _app.WithScopeAsync(async s => (await s.GetRequiredService<AuditTrail>().QueryAsync(new AuditQuery())).Items, userName: "root-admin");
        Assert.Equal(2, audit.Count(e => e.Action == AuditActions.SetupRefused));
        var completed = Assert.Single(audit, e => e.Action == AuditActions.SetupCompleted);
        Assert.Equal("root-admin", completed.UserName);
    }

    private async Task<IEnumerable<string>> LogsAfterStartAsync(HttpClient client)
    {
        using var _ = await client.GetAsync("/health");
        return _app.Logs;
    }
}

/// <summary>Guessing is slowed per client address: sign-in, setup and token requests share a small per-minute budget.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private readonly PortalApp _app = new(new Dictionary<string, string?> { ["Portal:Access:SignInRequestsPerMinute"] = "3" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task CredentialRequests_BeyondTheBudget_Get429_OtherRequestsDoNot()
    {
        using var client = _app.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.PostAsJsonAsync("/api/auth/tokens", new { userName = "admin", password = "wrong guess " + i });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task SignInForm_BeyondTheBudget_TellsThePersonToWait_NotThatThePageIsMissing()
    {
        using var client = _app.CreateClient();
        var page = await client.GetStringAsync("/account/signin");
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last?.Dispose();
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = PortalApp.AntiforgeryToken(page),
                ["_handler"] = "signin",
                ["Form.UserName"] = "admin",
                ["Form.Password"] = "wrong guess " + i,
            });
            last = await client.PostAsync("/account/signin", form);
        }

        using var refused = last!;
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("Too many sign-in attempts came from your address in the last minute. Wait a minute, then try again.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("does not exist", html, StringComparison.Ordinal);
    }
}
