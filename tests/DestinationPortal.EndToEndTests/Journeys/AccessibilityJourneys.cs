using System.Text;
using DestinationPortal.EndToEndTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DestinationPortal.EndToEndTests.Journeys;

/// <summary>
/// axe-core on every page and dialog each role can reach, signed in as that role, and on the pages before signing in.
/// A journey fails on any serious or critical WCAG 2.x A/AA violation and lists them all. One browser context per
/// role, one tab, walked through in order, so the class stays quick.
/// </summary>
[Collection(PortalTestGroup.Name)]
public sealed class AccessibilityJourneys(PortalFixture portal)
{
    private const string Administrator = "Administrator";
    private const string Editor = "Editor";
    private const string Viewer = "Viewer";

    [Fact]
    public async Task SignInAndSetup_BeforeSigningIn_NoSeriousOrCriticalViolations()
    {
        var audit = new AxeAudit();
        await using (var context = await portal.NewContextAsync())
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync("account/signin");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
            await audit.ScanAsync(page, "Sign in");

            await PortalSession.SignInAsync(page, PortalFixture.AdminName, "not the password");
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The user name or password is wrong");
            await audit.ScanAsync(page, "Sign in, refused");
        }

        // Setup is reachable only while no administrator exists: a portal of its own without one configured.
        var fresh = await portal.StartAppAsync(new Dictionary<string, string> { ["Portal__Admin__UserName"] = "", ["Portal__Admin__Password"] = "" });
        await using (var context = await portal.NewContextAsync(fresh))
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync("account/setup");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Set up the portal" })).ToBeVisibleAsync();
            await audit.ScanAsync(page, "Set up");

            await page.GetByRole(AriaRole.Button, new() { Name = "Create administrator" }).ClickAsync();
            await Expect(page.Locator(".validation-message").First).ToBeVisibleAsync();
            await audit.ScanAsync(page, "Set up, with validation messages");
        }

        audit.AssertClean();
    }

    [Fact]
    public async Task Administrator_EveryPageAndDialog_NoSeriousOrCriticalViolations() => await WalkAsync(Administrator);

    [Fact]
    public async Task Editor_EveryPageAndDialog_NoSeriousOrCriticalViolations() => await WalkAsync(Editor);

    [Fact]
    public async Task Viewer_EveryPageAndDialog_NoSeriousOrCriticalViolations() => await WalkAsync(Viewer);

    private async Task WalkAsync(string role)
    {
        var audit = new AxeAudit();
        var token = Unique.Token();
        var destinations = new Seeded($"a11y-{token}-passed", $"a11y-{token}-failed");

        await using var adminContext = await portal.NewContextAsync();
        var admin = await portal.Session.OpenAsync(adminContext);
        await SeedAsync(admin, destinations);

        IPage page;
        await using var roleContext = role == Administrator ? null : await portal.NewContextAsync();
        if (roleContext is null)
        {
            page = admin;
            await AdministratorPagesAsync(page, audit, token);
        }
        else
        {
            var password = await PortalUsers.AddAsync(admin, $"a11y-{role.ToLowerInvariant()}-{token}", role);
            page = await FirstSignInAsync(roleContext, $"a11y-{role.ToLowerInvariant()}-{token}", password, audit);
        }

        await DestinationPagesAsync(page, audit, destinations, canEdit: role != Viewer);
        await TokenPagesAsync(page, audit, token);

        if (role != Administrator)
        {
            await PortalSession.GoToAsync(page, "users");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You do not have access to that page" })).ToBeVisibleAsync();
            await audit.ScanAsync(page, "Access denied");
        }

        await PortalSession.GoToAsync(page, $"no-such-page-{token}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not Found" })).ToBeVisibleAsync();
        await audit.ScanAsync(page, "Not found");

        audit.AssertClean();
    }

    private sealed record Seeded(string Passed, string Failed);

    /// <summary>Two destinations with a finished test each, one passed and one failed, so the grid shows both chips.</summary>
    private async Task SeedAsync(IPage page, Seeded destinations)
    {
        foreach (var (name, password, outcome) in new[]
        {
            (destinations.Passed, TestRoles.ScramPassword, "Connection works."),
            (destinations.Failed, "not-the-password", "Connection failed."),
        })
        {
            await DestinationForm.CreateAsync(page, new DestinationValues(name)
            {
                ServerName = "127.0.0.1",
                TlsMode = "Require",
                Port = portal.PostgreSql.Tls.Port,
                Username = TestRoles.Scram,
                Password = password,
                Database = "postgres",
            });
            await DestinationForm.OpenAsync(page, name);
            await DestinationForm.Button(page, "Test Connection").ClickAsync();
            await Expect(TestReport.Result(page)).ToContainTextAsync(outcome);
            await DestinationForm.BackToGridAsync(page);
        }
    }

    private static async Task DestinationPagesAsync(IPage page, AxeAudit audit, Seeded destinations, bool canEdit)
    {
        await PortalSession.GoToAsync(page, "destinations");
        // Both seeded rows: their names share everything but the outcome.
        await FilterToAsync(page, destinations.Passed[..^"passed".Length], rows: 2);
        await Expect(DestinationForm.Row(page, destinations.Passed)).ToContainTextAsync("Passed");
        await Expect(DestinationForm.Row(page, destinations.Failed)).ToContainTextAsync("Failed");
        await audit.ScanAsync(page, "Manage Destinations");

        await DestinationForm.OpenAsync(page, destinations.Passed);
        await Expect(page.GetByTestId("test-history")).ToContainTextAsync("Passed");
        await audit.ScanAsync(page, "Destination Details with its test history");
        if (!canEdit)
        {
            return;
        }

        // A failed report: stage errors, the red result, and the field the failure blames.
        await DestinationForm.BackToGridAsync(page);
        await DestinationForm.OpenAsync(page, destinations.Failed);
        await DestinationForm.Button(page, "Test Connection").ClickAsync();
        await Expect(TestReport.Result(page)).ToContainTextAsync("Connection failed.");
        await audit.ScanAsync(page, "Destination Details with a failed test report");

        await DestinationForm.Field(page, "Database").FillAsync("changed");
        await page.GetByRole(AriaRole.Link, new() { Name = "Manage Destinations", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog, new() { Name = "Discard unsaved changes?" })).ToBeVisibleAsync();
        await audit.ScanAsync(page, "Unsaved-changes question");
        await page.GetByRole(AriaRole.Button, new() { Name = "Discard changes" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Manage Destinations" })).ToBeVisibleAsync();

        await DestinationForm.AddAsync(page);
        await audit.ScanAsync(page, "Add destination");
        // Save on the empty form shows the portal's own messages: the browser's required-field check must not stop the
        // submit first (the form is novalidate).
        await DestinationForm.Button(page, "Save").ClickAsync();
        await Expect(page.Locator(".mud-input-error").First).ToBeVisibleAsync();
        await Expect(page.GetByText("Name is required", new() { Exact = false }).First).ToBeVisibleAsync();
        await audit.ScanAsync(page, "Add destination with validation messages");

        await PortalSession.GoToAsync(page, "destinations");
        await FilterToAsync(page, destinations.Passed, rows: 1);
        await page.GetByRole(AriaRole.Link, new() { Name = $"Copy {destinations.Passed}", Exact = true }).ClickAsync();
        await Expect(DestinationForm.Field(page, "Name")).ToHaveValueAsync($"Copy of {destinations.Passed}");
        await audit.ScanAsync(page, "Copy destination");

        await PortalSession.GoToAsync(page, "destinations");
        await FilterToAsync(page, destinations.Passed, rows: 1);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Delete {destinations.Passed}", Exact = true }).ClickAsync();
        var delete = page.GetByRole(AriaRole.Dialog, new() { Name = "Delete destination" });
        await Expect(delete).ToBeVisibleAsync();
        await audit.ScanAsync(page, "Delete confirmation");
        await delete.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(delete).ToHaveCountAsync(0);

        await DestinationForm.Button(page, "Import").ClickAsync();
        var import = page.GetByRole(AriaRole.Dialog, new() { Name = "Import destinations" });
        await Expect(import).ToBeVisibleAsync();
        await import.Locator("input[type=file]").SetInputFilesAsync(new FilePayload
        {
            Name = "destinations.json",
            MimeType = "application/json",
            Buffer = await ImportFileAsync(page, destinations.Passed),
        });
        await Expect(import.GetByTestId("import-summary")).ToContainTextAsync("1 to update");
        await audit.ScanAsync(page, "Import dialog with a plan");
        await import.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(import).ToHaveCountAsync(0);
    }

    /// <summary>
    /// Filters the grid and waits for exactly the filtered rows. The grid filters 250 ms after typing, and a row already
    /// on the unfiltered first page is visible before that: a click then can land on a row the filtered render replaces,
    /// and nothing happens (DestinationForm.FilterAsync waits only for the row).
    /// </summary>
    private static async Task FilterToAsync(IPage page, string text, int rows)
    {
        await DestinationForm.Field(page, "Filter").FillAsync(text);
        await Expect(page.Locator(".destinations-grid tbody tr")).ToHaveCountAsync(rows);
    }

    /// <summary>An export of one destination, renamed: importing it would update that destination (entries match by id).</summary>
    private static async Task<byte[]> ImportFileAsync(IPage page, string name)
    {
        var export = await page.APIRequest.GetAsync($"api/destinations/export?filter={Uri.EscapeDataString(name)}");
        Assert.True(export.Ok, $"Export answered {export.Status}.");
        var json = await export.TextAsync();
        Assert.Contains($"\"{name}\"", json, StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(json.Replace($"\"{name}\"", $"\"{name}-imported\"", StringComparison.Ordinal));
    }

    private static async Task TokenPagesAsync(IPage page, AxeAudit audit, string token)
    {
        await PortalSession.GoToAsync(page, "account/tokens");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "API tokens" })).ToBeVisibleAsync();
        await page.GetByLabel("Token name").FillAsync($"a11y-{token}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        await Expect(page.GetByTestId("issued-token")).ToBeVisibleAsync();
        await audit.ScanAsync(page, "API tokens with a new token shown once");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Revoke a11y-{token}" }).ClickAsync();
        var revoke = page.GetByRole(AriaRole.Dialog, new() { Name = "Revoke API token" });
        await Expect(revoke).ToBeVisibleAsync();
        await audit.ScanAsync(page, "Revoke confirmation");
        await revoke.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(revoke).ToHaveCountAsync(0);
    }

    private static async Task AdministratorPagesAsync(IPage page, AxeAudit audit, string token)
    {
        var userName = $"a11y-colleague-{token}";
        await PortalUsers.AddAsync(page, userName, Viewer);
        await audit.ScanAsync(page, "Users with a temporary password shown once");

        var row = page.GetByTestId("user-row").Filter(new() { HasText = userName });
        foreach (var (open, title) in new (Func<Task> Open, string Title)[]
        {
            (() => row.GetByLabel($"Role of {userName}").SelectOptionAsync(Editor), "Change role"),
            (() => row.GetByRole(AriaRole.Button, new() { Name = $"Disable {userName}" }).ClickAsync(), "Disable user"),
            (() => row.GetByRole(AriaRole.Button, new() { Name = $"Reset password of {userName}" }).ClickAsync(), "Reset password"),
        })
        {
            await open();
            var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = title });
            await Expect(dialog).ToBeVisibleAsync();
            await audit.ScanAsync(page, $"{title} confirmation");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
            await Expect(dialog).ToHaveCountAsync(0);
        }

        await PortalSession.GoToAsync(page, "audit");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit" }).First).ToBeVisibleAsync();
        await audit.ScanAsync(page, "Audit");

        await page.GotoAsync("account/change-password");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Change password" })).ToBeVisibleAsync();
        await audit.ScanAsync(page, "Change password");
    }

    /// <summary>Signs in with a temporary password, scanning the required password change on the way.</summary>
    private static async Task<IPage> FirstSignInAsync(IBrowserContext context, string userName, string temporaryPassword, AxeAudit audit)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("account/signin");
        await PortalSession.SignInAsync(page, userName, temporaryPassword);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Change password" })).ToBeVisibleAsync();
        await audit.ScanAsync(page, "Change password, required at first sign-in");

        await page.GetByLabel("Current password", new() { Exact = true }).FillAsync(temporaryPassword);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("an accessible passphrase");
        await page.GetByLabel("Confirm new password", new() { Exact = true }).FillAsync("an accessible passphrase");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password and sign in" }).ClickAsync();
        await PortalSession.WaitForInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Manage Destinations" })).ToBeVisibleAsync();
        return page;
    }
}
