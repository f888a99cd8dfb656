using DestinationPortal.EndToEndTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DestinationPortal.EndToEndTests.Journeys;

/// <summary>Journey 1: signing in lands on Manage Destinations; a wrong password does not; signing out ends the session.</summary>
[Collection(PortalTestGroup.Name)]
public sealed class SignInJourneys(PortalFixture portal) : IAsyncLifetime
{
    private IBrowserContext _context = null!;

    public async Task InitializeAsync() => _context = await portal.NewContextAsync();

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task SignIn_LandsOnManageDestinations_SignOutEndsTheSession()
    {
        var page = await _context.NewPageAsync();
        await page.GotoAsync(portal.App.BaseUrl + "destinations");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();

        await PortalSession.SignInAsync(page, PortalFixture.AdminName, "not the password");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The user name or password is wrong");

        await PortalSession.SignInAsync(page, PortalFixture.AdminName, PortalFixture.AdminPassword);
        await PortalSession.WaitForInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Manage Destinations" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("signed-in-user")).ToContainTextAsync($"{PortalFixture.AdminName} · Administrator");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.GotoAsync(portal.App.BaseUrl + "destinations");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }
}
