using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DestinationPortal.EndToEndTests.Infrastructure;

/// <summary>The Users page as an administrator uses it.</summary>
public static class PortalUsers
{
    /// <summary>Adds a user on the Users page and returns the temporary password it shows once.</summary>
    public static async Task<string> AddAsync(IPage admin, string userName, string role)
    {
        await PortalSession.GoToAsync(admin, "users");
        await admin.GetByLabel("User name").FillAsync(userName);
        await admin.GetByLabel("Role", new() { Exact = true }).SelectOptionAsync(role);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Add user" }).ClickAsync();
        var issued = admin.GetByTestId("temporary-password");
        await Expect(issued).ToContainTextAsync(userName);
        return await issued.Locator(".copy-secret").InnerTextAsync();
    }
}
