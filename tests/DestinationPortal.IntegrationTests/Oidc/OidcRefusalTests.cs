using System.Net;
using DestinationPortal.Core.Access;
using DestinationPortal.Core.Auditing;
using DestinationPortal.IntegrationTests.Hosting;
using DestinationPortal.OidcTestProvider;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.IntegrationTests.Oidc;

/// <summary>
/// The refusals an existing portal account causes (a local account by the same name, a disabled account), and the
/// decision that the provider may demote even the last active administrator (decision record: the provider's word wins).
/// </summary>
public sealed class OidcRefusalTests(OidcPortal portal) : IClassFixture<OidcPortal>
{
    private OidcProvider Provider => portal.Provider;

    [Fact]
    public async Task NameTakenByALocalAccount_IsRefusedWithAClearPage_Audited_AndTheLocalAccountIsUntouched()
    {
        await portal.App.CreateUserAsync("gina", PortalRole.Editor, "gina's local passphrase");
        var before = await portal.UserAsync("gina");
        Provider.SetPerson("sub-gina", "gina", OidcPortal.AdminGroup);
        Provider.PersonAtKeyboard = "sub-gina";
        using var browser = new OidcBrowser(portal.App);

        using var refused = await browser.SignInAsync();

        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("/account/external/refused?reason=NameTaken", refused.Headers.Location!.OriginalString);
        Assert.Contains("A portal account with your user name already exists and is not linked to your company account", await browser.Portal.GetStringAsync(refused.Headers.Location), StringComparison.Ordinal);
        await AssertNotSignedInAsync(browser);
        var after = (await portal.UserAsync("gina"))!;
        Assert.Equal((before!.Id, PortalRole.Editor, before.PasswordHash, before.SecurityStamp), (after.Id, after.Role, after.PasswordHash, after.SecurityStamp));
        Assert.Empty(await LoginsAsync("gina"));
        Assert.Contains(await portal.AuditRowsAsync("gina"), r => r.Action == AuditActions.SignInFailed && r.Outcome == AuditOutcomes.Denied
            && r.Details == "external sign-in refused: the provider's user name is taken by another account or not a valid portal user name");
    }

    [Fact]
    public async Task DisabledLinkedUser_IsRefusedAtTheNextProviderSignIn_AndAudited()
    {
        Provider.SetPerson("sub-hugo", "hugo", OidcPortal.EditorGroup);
        Provider.PersonAtKeyboard = "sub-hugo";
        using (var first = new OidcBrowser(portal.App))
        using (var signedIn = await first.SignInAsync())
        {
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        }

        var hugo = (await portal.UserAsync("hugo"))!;
        Assert.True((await portal.App.WithScopeAsync(s => s.GetRequiredService<UserAdministration>().SetDisabledAsync(hugo.Id, disabled: true))).Succeeded);
        using var browser = new OidcBrowser(portal.App);

        using var refused = await browser.SignInAsync();

        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("/account/external/refused?reason=Disabled", refused.Headers.Location!.OriginalString);
        Assert.Contains("Your portal account is disabled", await browser.Portal.GetStringAsync(refused.Headers.Location), StringComparison.Ordinal);
        await AssertNotSignedInAsync(browser);
        Assert.True((await portal.UserAsync("hugo"))!.IsDisabled);
        Assert.Contains(await portal.AuditRowsAsync("hugo"), r => r.Action == AuditActions.SignInFailed && r.Outcome == AuditOutcomes.Denied
            && r.Details == "external sign-in refused: account disabled");
    }

    [Fact]
    public async Task ProviderDemotesTheLastActiveAdministrator_TheDemotionApplies_AndIsAudited()
    {
        Provider.SetPerson("sub-iris", "iris", OidcPortal.AdminGroup);
        Provider.PersonAtKeyboard = "sub-iris";
        using (var first = new OidcBrowser(portal.App))
        using (var signedIn = await first.SignInAsync())
        {
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        }

        var localAdmin = (await portal.UserAsync(PortalApp.AdminName))!;
        Assert.True((await portal.App.WithScopeAsync(s => s.GetRequiredService<UserAdministration>().SetDisabledAsync(localAdmin.Id, disabled: true), "iris")).Succeeded);
        try
        {
            Assert.Equal(1, await ActiveAdministratorsAsync());
            Provider.SetPerson("sub-iris", "iris", OidcPortal.ViewerGroup);
            using var browser = new OidcBrowser(portal.App);

            using var again = await browser.SignInAsync();

            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal(PortalRole.Viewer, (await portal.UserAsync("iris"))!.Role);
            Assert.Equal(0, await ActiveAdministratorsAsync());
            Assert.Contains(await portal.AuditRowsAsync("iris"), r => r.Action == AuditActions.UserRoleChanged && r.Details == "user iris: Administrator → Viewer from the provider's groups");
        }
        finally
        {
            // The break-glass way back: the local administrator, enabled again straight in the store (no administrator is left to do it).
            await portal.App.WithScopeAsync(async s =>
            {
                var users = s.GetRequiredService<UserManager<PortalUser>>();
                var admin = (await users.FindByNameAsync(PortalApp.AdminName))!;
                admin.IsDisabled = false;
                return await users.UpdateAsync(admin);
            });
        }
    }

    private Task<int> ActiveAdministratorsAsync() => portal.App.WithScopeAsync(s =>
        s.GetRequiredService<UserManager<PortalUser>>().Users.CountAsync(u => u.Role == PortalRole.Administrator && !u.IsDisabled));

    private Task<IList<UserLoginInfo>> LoginsAsync(string userName) => portal.App.WithScopeAsync(async s =>
    {
        var users = s.GetRequiredService<UserManager<PortalUser>>();
        return await users.GetLoginsAsync((await users.FindByNameAsync(userName))!);
    });

    private static async Task AssertNotSignedInAsync(OidcBrowser browser)
    {
        using var response = await browser.Portal.GetAsync("/destinations");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/signin", response.Headers.Location!.AbsolutePath);
    }
}
