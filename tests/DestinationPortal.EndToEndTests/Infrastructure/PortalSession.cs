using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DestinationPortal.EndToEndTests.Infrastructure;

/// <summary>
/// How a person arrives at the portal. Every journey opens its pages through <see cref="OpenAsync"/>: the first page of
/// a browser context signs in as the fixture's administrator; later pages share the context's session cookie.
/// </summary>
public sealed class PortalSession(PortalApp app)
{
    public PortalApp App { get; } = app;

    /// <summary>Opens the portal in a new tab of <paramref name="context"/> and returns it on Manage Destinations, interactive.</summary>
    public async Task<IPage> OpenAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(App.BaseUrl.ToString());
        if (new Uri(page.Url).AbsolutePath == "/account/signin")
        {
            await SignInAsync(page, PortalFixture.AdminName, PortalFixture.AdminPassword);
        }

        await WaitForInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Manage Destinations" })).ToBeVisibleAsync();
        return page;
    }

    /// <summary>Fills the sign-in form as a person would, by its labels.</summary>
    public static async Task SignInAsync(IPage page, string userName, string password)
    {
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    /// <summary>Goes to a portal address (relative, like "destinations/…") in an already open tab and waits until it is interactive.</summary>
    public static async Task GoToAsync(IPage page, string relativeUrl)
    {
        await page.GotoAsync(relativeUrl);
        await WaitForInteractiveAsync(page);
    }

    /// <summary>
    /// Pages are prerendered: they show before the circuit is connected, and a click or a keystroke before then is
    /// lost or overwritten. The layout marks itself once it renders interactively.
    /// </summary>
    public static Task WaitForInteractiveAsync(IPage page) =>
        Expect(page.Locator("[data-interactive='true']")).ToBeAttachedAsync();
}
