using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using DestinationPortal.Core.Access;
using DestinationPortal.IntegrationTests.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.IntegrationTests.Access;

/// <summary>
/// What a guesser learns and what a guesser can break: sign-in takes as long for unknown names as for known ones, and
/// wrong passwords lock a user name only from the address that typed them (and that address's use of the user's tokens).
/// </summary>
public sealed class SignInProtectionTests : IAsyncLifetime
{
    private const int Tries = 20;
    private const string Password = "the right passphrase";

    private readonly PortalApp _app = new();

    public async Task InitializeAsync() => await _app.CreateUserAsync("known-user", PortalRole.Editor, Password);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task SignInForm_UnknownUser_TakesAsLongAsAKnownUserWithAWrongPassword()
    {
        var (known, unknown) = await MedianTimesAsync(async (userName, address) =>
        {
            using var client = _app.CreateBrowserClient(address);
            var page = await client.GetStringAsync("/account/signin");
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = PortalApp.AntiforgeryToken(page),
                ["_handler"] = "signin",
                ["Form.UserName"] = userName,
                ["Form.Password"] = "a wrong guess",
            });
            var clock = Stopwatch.StartNew();
            using var response = await client.PostAsync("/account/signin", form);
            clock.Stop();
            Assert.Contains("The user name or password is wrong", await response.Content.ReadAsStringAsync());
            return clock.Elapsed;
        });

        AssertWithin25Percent(known, unknown);
    }

    [Fact]
    public async Task TokenRequest_UnknownUser_TakesAsLongAsAKnownUserWithAWrongPassword()
    {
        var (known, unknown) = await MedianTimesAsync(async (userName, address) =>
        {
            using var client = _app.CreateBrowserClient(address);
            var clock = Stopwatch.StartNew();
            using var response = await client.PostAsJsonAsync("/api/auth/tokens", new { userName, password = "a wrong guess" });
            clock.Stop();
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            return clock.Elapsed;
        });

        AssertWithin25Percent(known, unknown);
    }

    [Fact]
    public async Task WrongPasswordsFromOneAddress_DoNotLockTheUserOutFromAnother()
    {
        using var guesser = _app.CreateBrowserClient("127.0.0.31");
        await GuessFiveTimesAsync(guesser, "known-user");

        using var lockedOut = await PortalApp.PostSignInAsync(guesser, "known-user", Password);
        using var owner = _app.CreateBrowserClient("127.0.0.32");
        using var signedIn = await PortalApp.PostSignInAsync(owner, "known-user", Password);

        Assert.Contains("locked here for 15 minutes", await lockedOut.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Contains("Manage Destinations", await owner.GetStringAsync("/destinations"));
    }

    [Fact]
    public async Task ForwardedForHeader_DoesNotGiveAGuesserFreshAddresses()
    {
        using var guesser = _app.CreateBrowserClient("127.0.0.41");
        for (var i = 0; i < 5; i++)
        {
            guesser.DefaultRequestHeaders.Remove("X-Forwarded-For");
            guesser.DefaultRequestHeaders.Add("X-Forwarded-For", $"203.0.113.{i + 1}");
            using var _ = await PortalApp.PostSignInAsync(guesser, "known-user", "guess number " + i);
        }

        guesser.DefaultRequestHeaders.Remove("X-Forwarded-For");
        guesser.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.99");
        using var response = await PortalApp.PostSignInAsync(guesser, "known-user", Password);

        Assert.Contains("locked here for 15 minutes", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UnknownUserName_IsLockedLikeAKnownOne_SoTheLockTellsNothing()
    {
        using var guesser = _app.CreateBrowserClient("127.0.0.51");
        await GuessFiveTimesAsync(guesser, "nobody-by-this-name");

        using var response = await PortalApp.PostSignInAsync(guesser, "nobody-by-this-name", Password);

        Assert.Contains("locked here for 15 minutes", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LockedOutAddress_CannotUseTheUsersToken_OtherAddressesCan()
    {
        var token = await _app.IssueTokenAsync("known-user", Password);
        using var guesser = _app.CreateBrowserClient("127.0.0.61");
        await GuessFiveTimesAsync(guesser, "known-user");

        using var fromLockedAddress = TokenClient(token, "127.0.0.61");
        using var fromElsewhere = TokenClient(token, "127.0.0.62");

        Assert.Equal(HttpStatusCode.Unauthorized, (await fromLockedAddress.GetAsync("/api/destinations")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fromElsewhere.GetAsync("/api/destinations")).StatusCode);
    }

    [Fact]
    public async Task PasswordReset_ByAnAdministrator_LiftsTheLock()
    {
        using var guesser = _app.CreateBrowserClient("127.0.0.71");
        await GuessFiveTimesAsync(guesser, "known-user");
        var userId = await _app.WithScopeAsync(async s => (await s.GetRequiredService<UserManager<PortalUser>>().FindByNameAsync("known-user"))!.Id);

        var reset = await _app.WithScopeAsync(s => s.GetRequiredService<UserAdministration>().ResetPasswordAsync(userId));
        using var response = await PortalApp.PostSignInAsync(guesser, "known-user", reset.TemporaryPassword!);

        Assert.Equal("/account/change-password", response.Headers.Location?.AbsolutePath);
    }

    [Fact]
    public async Task TokenRequest_NameWithADirectionOverride_Is400SayingSo()
    {
        using var client = _app.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/auth/tokens", new { userName = "known-user", password = Password, name = "nightly\u202Ekcehc" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Token name must not contain invisible characters", await response.Content.ReadAsStringAsync());
    }

    private static async Task GuessFiveTimesAsync(HttpClient client, string userName)
    {
        for (var i = 0; i < 5; i++)
        {
            using var _ = await PortalApp.PostSignInAsync(client, userName, "guess number " + i);
        }
    }

    private HttpClient TokenClient(string token, string address)
    {
        var client = _app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        client.DefaultRequestHeaders.Add(TestRemoteAddress.HeaderName, address);
        return client;
    }

    // Known and unknown alternate, so a slower stretch of the machine hits both alike; each try from its own address so
    // no lock starts; two of each first, unmeasured, to warm up both paths.
    private static async Task<(TimeSpan Known, TimeSpan Unknown)> MedianTimesAsync(Func<string, string, Task<TimeSpan>> attempt)
    {
        var known = new List<TimeSpan>();
        var unknown = new List<TimeSpan>();
        for (var i = -2; i < Tries; i++)
        {
            var n = (i + 3).ToString(CultureInfo.InvariantCulture);
            var k = await attempt("known-user", "127.1.1." + n);
            var u = await attempt("unknown-" + n, "127.1.2." + n);
            if (i >= 0)
            {
                known.Add(k);
                unknown.Add(u);
            }
        }

        return (Median(known), Median(unknown));
    }

    private static TimeSpan Median(List<TimeSpan> times)
    {
        var sorted = times.Order().ToList();
        return (sorted[(sorted.Count - 1) / 2] + sorted[sorted.Count / 2]) / 2;
    }

    private static void AssertWithin25Percent(TimeSpan known, TimeSpan unknown)
    {
        var ratio = Math.Max(known.TotalMilliseconds, unknown.TotalMilliseconds) / Math.Min(known.TotalMilliseconds, unknown.TotalMilliseconds);
        Assert.True(ratio <= 1.25, $"Median over {Tries} tries: known user {known.TotalMilliseconds:F1} ms, unknown user {unknown.TotalMilliseconds:F1} ms (ratio {ratio:F2}).");
    }
}
