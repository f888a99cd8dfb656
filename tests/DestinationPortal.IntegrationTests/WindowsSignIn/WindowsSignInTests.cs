using DestinationPortal.Core.Auditing;
using DestinationPortal.Web.Access;
using Microsoft.EntityFrameworkCore;

namespace DestinationPortal.IntegrationTests.WindowsSignIn;

/// <summary>
/// Windows single sign-on against a real KDC: the portal (its own process, keytab for HTTP/localhost) and curl with
/// GSS-API as the browser (its own process, a ticket cache from kinit). Who gets in, who is refused, and what a browser
/// without a ticket sees.
/// </summary>
public sealed class WindowsSignInTests(WindowsSignInPortal realm) : IClassFixture<WindowsSignInPortal>
{
    private const string SessionCookie = "DestinationPortal.Session";
    private const string Negotiate = "--negotiate";

    [Fact]
    public async Task TicketHolder_PreCreatedUser_SignsInWithoutAPrompt_LinkedByPrincipal_AndAudited()
    {
        var jar = Path.Combine(realm.WorkDirectory, $"jar-{Guid.NewGuid():N}.txt");
        var principal = $"{WindowsSignInPortal.PreCreated}@{KerberosRealm.Name}";

        var signedIn = await realm.GetAsync("/account/windows?returnUrl=%2Fdestinations", WindowsSignInPortal.PreCreated, Negotiate, "-u", ":", "-c", jar);

        Assert.True(signedIn.Status == 200, signedIn.ToString());
        Assert.Contains("http-equiv=\"refresh\" content=\"0;url=/destinations\"", signedIn.Body, StringComparison.Ordinal);
        Assert.Contains(SessionCookie, signedIn.Header("Set-Cookie") ?? "", StringComparison.Ordinal);
        // The session works on its own: no ticket, only the cookie.
        var page = await realm.GetAsync("/destinations", person: null, "-b", jar);
        Assert.True(page.Status == 200, page.ToString());

        var login = await realm.ReadAsync(db => db.UserLogins.AsNoTracking().SingleAsync(l => l.LoginProvider == WindowsAccounts.LoginProvider));
        var user = await realm.UserAsync(WindowsSignInPortal.PreCreated);
        Assert.Equal(principal, login.ProviderKey);
        Assert.Equal(user!.Id, login.UserId);
        // The administrator's temporary password died with the link: the account is Windows-only.
        Assert.Null(user.PasswordHash);
        Assert.False(user.MustChangePassword);
        var rows = await realm.AuditRowsAsync(WindowsSignInPortal.PreCreated);
        Assert.True(
            rows.Any(r => r.Action == AuditActions.SignIn && r.Details == $"via Windows (Kerberos) as {principal}, linked to this user at its first sign-in"),
            string.Join('\n', rows.Select(r => $"{r.Action} {r.Outcome} {r.Details}")));
    }

    [Fact]
    public async Task UnknownPrincipal_IsRefusedWithAPage_CreatesNobody_AndIsAudited()
    {
        var refused = await realm.GetAsync("/account/windows", WindowsSignInPortal.Stranger, Negotiate, "-u", ":");

        Assert.True(refused.Status == 302, refused.ToString());
        Assert.Equal("/account/external/refused?reason=UnknownUser", refused.Header("Location"));
        Assert.DoesNotContain(SessionCookie, refused.Header("Set-Cookie") ?? "", StringComparison.Ordinal);
        Assert.Null(await realm.UserAsync(WindowsSignInPortal.Stranger));
        var page = await realm.GetAsync("/account/external/refused?reason=UnknownUser", person: null);
        Assert.Contains("There is no portal account for your Windows account", page.Body, StringComparison.Ordinal);
        Assert.Contains(await realm.AuditRowsAsync(WindowsSignInPortal.Stranger), r =>
            r.Action == AuditActions.SignInFailed && r.Outcome == AuditOutcomes.Denied
            && r.Details == $"Windows sign-in refused: no portal user {WindowsSignInPortal.Stranger} for Windows principal {WindowsSignInPortal.Stranger}@{KerberosRealm.Name}");
    }

    [Fact]
    public async Task NoTicket_GetsOneChallengeWhoseBodyMovesOnToTheSignInPage()
    {
        // curl with --negotiate and an empty cache behaves as a browser outside the domain: it cannot answer.
        var challenged = await realm.GetAsync("/account/windows?returnUrl=%2Fdestinations", person: null, Negotiate, "-u", ":");

        Assert.True(challenged.Status == 401, challenged.ToString());
        Assert.Equal("Negotiate", challenged.Header("WWW-Authenticate"));
        Assert.Contains("http-equiv=\"refresh\" content=\"0;url=/account/signin?windows=unavailable&amp;returnUrl=%2Fdestinations\"", challenged.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(SessionCookie, challenged.Header("Set-Cookie") ?? "", StringComparison.Ordinal);

        var signInPage = await realm.GetAsync("/account/signin?windows=unavailable&returnUrl=%2Fdestinations", person: null);
        Assert.Contains("Your browser did not sign you in with Windows", signInPage.Body, StringComparison.Ordinal);
        Assert.Contains("Sign in with Windows", signInPage.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NtlmTokenInNegotiate_IsRefusedWithoutAnotherChallenge_AndAudited()
    {
        // An NTLM NEGOTIATE_MESSAGE (type 1), what a Windows browser sends under "Negotiate" when Kerberos is not possible.
        var ntlm = Convert.ToBase64String([.. "NTLMSSP\0"u8, 1, 0, 0, 0, 0x07, 0x82, 0x08, 0xa2, .. new byte[16]]);

        var refused = await realm.GetAsync("/account/windows", person: null, "-H", $"Authorization: Negotiate {ntlm}");

        Assert.True(refused.Status == 401, refused.ToString());
        Assert.Null(refused.Header("WWW-Authenticate"));
        Assert.DoesNotContain(SessionCookie, refused.Header("Set-Cookie") ?? "", StringComparison.Ordinal);
        var rows = await realm.ReadAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.Action == AuditActions.SignInFailed).ToListAsync());
        Assert.Contains(rows, r => r.Outcome == AuditOutcomes.Denied && r.Details == "Windows sign-in refused: the browser offered NTLM; only Kerberos is accepted");
    }
}
