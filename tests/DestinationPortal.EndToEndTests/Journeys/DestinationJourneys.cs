using System.Text.RegularExpressions;
using DestinationPortal.EndToEndTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DestinationPortal.EndToEndTests.Journeys;

/// <summary>Journeys 2 and 6: adding, finding, editing, copying and deleting destinations.</summary>
[Collection(PortalTestGroup.Name)]
public sealed class DestinationJourneys(PortalFixture portal) : IAsyncLifetime
{
    private IBrowserContext _context = null!;

    public async Task InitializeAsync() => _context = await portal.NewContextAsync();

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task AddDestination_EverySeedField_SavedShownInGridAndFoundByTyping()
    {
        var token = Unique.Token();
        var name = $"warehouse-{token}";
        var page = await portal.Session.OpenAsync(_context);

        await DestinationForm.CreateAsync(page, new DestinationValues(name)
        {
            ServerName = "db.portal.test",
            TlsMode = "Verify Full",
            PrivateEndpoint = "pe-sales.internal.test",
            Port = 6432,
            Username = "loader",
            Password = "loader-password-" + token,
            Database = $"sales_{token}",
            CaCertificate = portal.PostgreSql.Certificates.Ca.CertificatePem,
            TimeoutSeconds = 25,
            KerberosServiceName = "pgsales",
        });
        await DestinationForm.CreateAsync(page, new DestinationValues($"finance-{token}")
        {
            ServerName = "pg-finance.corp.test",
            Username = "loader",
            Database = $"ledger_{token}",
        });

        var row = DestinationForm.Row(page, name);
        await Expect(row).ToContainTextAsync("PostgreSQL");
        await Expect(row).ToContainTextAsync("db.portal.test:6432");
        await Expect(row).ToContainTextAsync($"sales_{token}");
        await Expect(row).ToContainTextAsync("Verify Full");
        await Expect(row).ToContainTextAsync("Not tested");

        // Typed key by key, as a person does: the filter reacts to what is typed, over name, server and database.
        var filter = DestinationForm.Field(page, "Filter");
        var rows = page.Locator(".destinations-grid tbody tr");
        await filter.PressSequentiallyAsync(token);
        await Expect(rows).ToHaveCountAsync(2);
        await filter.PressSequentiallyAsync("-nothing");
        await Expect(page.GetByText($"No destination matches \"{token}-nothing\".")).ToBeVisibleAsync();
        await filter.FillAsync("");
        await filter.PressSequentiallyAsync($"ledger_{token}");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(DestinationForm.Row(page, $"finance-{token}")).ToBeVisibleAsync();

        await DestinationForm.OpenAsync(page, name);
        await Expect(DestinationForm.Field(page, "Name")).ToHaveValueAsync(name);
        await Expect(DestinationForm.Field(page, "Type").Locator("option:checked")).ToHaveTextAsync("PostgreSQL");
        await Expect(DestinationForm.Field(page, "Server Name")).ToHaveValueAsync("db.portal.test");
        await Expect(DestinationForm.Field(page, "TLS Mode").Locator("option:checked")).ToHaveTextAsync("Verify Full");
        await Expect(DestinationForm.Field(page, "Private endpoint?")).ToBeCheckedAsync();
        await Expect(DestinationForm.Field(page, "Private endpoint host")).ToHaveValueAsync("pe-sales.internal.test");
        await Expect(DestinationForm.Field(page, "Port")).ToHaveValueAsync("6432");
        await Expect(DestinationForm.Field(page, "Windows Authentication")).ToBeCheckedAsync();
        await Expect(DestinationForm.Field(page, "Kerberos service name")).ToHaveValueAsync("pgsales");
        await Expect(DestinationForm.Field(page, "Username")).ToHaveValueAsync("loader");
        await Expect(DestinationForm.Field(page, "Database")).ToHaveValueAsync($"sales_{token}");
        await Expect(DestinationForm.Field(page, "CA certificate")).ToHaveValueAsync(new Regex("^-----BEGIN CERTIFICATE-----"));
        await Expect(DestinationForm.Field(page, "Timeout (s)")).ToHaveValueAsync("25");
    }

    // Enter within the filter's 250 ms debounce commits the text at once, as leaving the field does: the grid filters
    // by it then too. (Leaving it is how AccessibilityJourneys lost its filter at 1d8119a: the heading took the focus,
    // FocusOnNavigate's doing, just after the filter was filled.)
    [Fact]
    public async Task Filter_EnterRightAfterTyping_FiltersTheGrid()
    {
        var token = Unique.Token();
        var page = await portal.Session.OpenAsync(_context);
        foreach (var name in new[] { $"enter-{token}-a", $"enter-{token}-b" })
        {
            await DestinationForm.CreateAsync(page, new DestinationValues(name) { ServerName = "db.portal.test", Username = "loader", Database = "sales" });
        }

        var filter = DestinationForm.Field(page, "Filter");
        await filter.FillAsync($"enter-{token}-b");
        await filter.PressAsync("Enter");

        await Expect(page.Locator(".destinations-grid tbody tr")).ToHaveCountAsync(1);
        await Expect(DestinationForm.Row(page, $"enter-{token}-b")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task EditCopyDelete_FromTheGrid_EditShownCopyWithoutPasswordDeleteOnlyAfterConfirmation()
    {
        var token = Unique.Token();
        var name = $"orders-{token}";
        var copy = $"Copy of {name}";
        var page = await portal.Session.OpenAsync(_context);
        await DestinationForm.CreateAsync(page, new DestinationValues(name)
        {
            ServerName = "pg-orders.corp.test",
            TlsMode = "Require",
            Username = "loader",
            Password = "orders-password-" + token,
            Database = $"orders_{token}",
        });

        // Edit: the saved password is not shown, only that there is one; the change reaches the grid.
        await DestinationForm.FilterAsync(page, name);
        await page.GetByRole(AriaRole.Link, new() { Name = $"Edit {name}", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Destination Details: {name}" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Password" })).ToContainTextAsync("a password is saved");
        // Database is part of the password's target: the form says before saving that the password goes, and the save says it went.
        await DestinationForm.Field(page, "Database").FillAsync($"orders_v2_{token}");
        await DestinationForm.Field(page, "Database").PressAsync("Tab");
        await Expect(page.GetByText("Saving clears the saved password because Database changed.")).ToBeVisibleAsync();
        await DestinationForm.Button(page, "Save").ClickAsync();
        await Expect(page.GetByText($"Saved \"{name}\". Its saved password was removed because Database changed.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Manage Destinations" })).ToBeVisibleAsync();
        await DestinationForm.FilterAsync(page, name);
        await Expect(DestinationForm.Row(page, name)).ToContainTextAsync($"orders_v2_{token}");

        // Copy: every field but the name and the password.
        await page.GetByRole(AriaRole.Link, new() { Name = $"Copy {name}", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Copy destination" })).ToBeVisibleAsync();
        await Expect(DestinationForm.Field(page, "Name")).ToHaveValueAsync(copy);
        await Expect(DestinationForm.Field(page, "Server Name")).ToHaveValueAsync("pg-orders.corp.test");
        await Expect(DestinationForm.Field(page, "TLS Mode").Locator("option:checked")).ToHaveTextAsync("Require");
        await Expect(DestinationForm.Field(page, "Database")).ToHaveValueAsync($"orders_v2_{token}");
        await Expect(DestinationForm.Field(page, "Password")).ToHaveValueAsync("");
        await Expect(page.GetByText("a password is saved")).ToHaveCountAsync(0);
        // The copy asks for the password, says plainly when saved without one, and the grid marks it.
        await Expect(page.GetByTestId("copy-password-note")).ToContainTextAsync("The password is not copied.");
        await DestinationForm.Button(page, "Save").ClickAsync();
        await Expect(page.GetByText($"Saved \"{copy}\" without a password. Open it and type the password: until then a test sends none.", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Manage Destinations" })).ToBeVisibleAsync();
        await DestinationForm.FilterAsync(page, name);
        await Expect(DestinationForm.Row(page, copy)).ToBeVisibleAsync();
        await Expect(DestinationForm.Row(page, copy).GetByRole(AriaRole.Img, new() { Name = "No password saved", Exact = true })).ToBeVisibleAsync();

        // Delete asks first, naming the destination; Cancel (focused, so Enter) keeps it. Clicking Cancel is covered by
        // ManageDestinationsTests.Delete_AsksNamingTheDestination_CancelKeepsIt_ConfirmDeletesIt.
        var dialog = page.GetByRole(AriaRole.Dialog);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Delete {copy}", Exact = true }).ClickAsync();
        await Expect(dialog).ToContainTextAsync($"Delete the destination \"{copy}\"? This cannot be undone.");
        // Named by its title, and focus starts on Cancel: Enter keeps the destination.
        await Expect(page.GetByRole(AriaRole.Dialog, new() { Name = "Delete destination", Exact = true })).ToHaveCountAsync(1);
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = $"Delete {copy}", Exact = true })).ToHaveCountAsync(1);
        await Expect(DestinationForm.Row(page, copy)).ToBeVisibleAsync();

        // A fresh page for the confirming open: a delete dialog opened right after another one closed sometimes does not
        // appear (seen in 2 of 3 CI runs, also before issue 12; not yet understood, noted for issue 12's dialog work).
        await page.ReloadAsync();
        await PortalSession.WaitForInteractiveAsync(page);
        await DestinationForm.FilterAsync(page, name);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Delete {copy}", Exact = true }).ClickAsync();
        await Expect(dialog).ToContainTextAsync($"Delete the destination \"{copy}\"?");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Expect(page.GetByText($"Deleted \"{copy}\".")).ToBeVisibleAsync();
        await Expect(DestinationForm.Row(page, copy)).ToHaveCountAsync(0);

        // Still gone, and the original still there, after loading the page afresh.
        await page.ReloadAsync();
        await PortalSession.WaitForInteractiveAsync(page);
        await DestinationForm.FilterAsync(page, name);
        await Expect(page.Locator(".destinations-grid tbody tr")).ToHaveCountAsync(1);
    }
}
