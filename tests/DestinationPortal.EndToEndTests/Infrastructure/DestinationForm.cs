using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DestinationPortal.EndToEndTests.Infrastructure;

/// <summary>What a person types into Destination Details. Null leaves a field as the form shows it.</summary>
public sealed record DestinationValues(string Name)
{
    public string? ServerName { get; init; }

    /// <summary>As the TLS Mode list shows it: "Prefer", "Require", "Verify Full", …</summary>
    public string? TlsMode { get; init; }

    public string? PrivateEndpoint { get; init; }

    public int? Port { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    public string? Database { get; init; }

    public string? CaCertificate { get; init; }

    public int? TimeoutSeconds { get; init; }

    /// <summary>When set, Windows Authentication is switched on and this is typed as the Kerberos service name.</summary>
    public string? KerberosServiceName { get; init; }
}

/// <summary>Destination Details and Manage Destinations as a person uses them: fields found by their labels, buttons by their text.</summary>
public static class DestinationForm
{
    public static ILocator Field(IPage page, string label) => page.GetByLabel(label, new() { Exact = true });

    public static ILocator Button(IPage page, string text) => page.GetByRole(AriaRole.Button, new() { Name = text, Exact = true });

    /// <summary>The grid row whose Name cell is <paramref name="name"/>.</summary>
    public static ILocator Row(IPage page, string name) =>
        page.Locator(".destinations-grid tbody tr").Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }) });

    public static async Task FillAsync(IPage page, DestinationValues values)
    {
        await Field(page, "Name").FillAsync(values.Name);
        await Field(page, "Type").SelectOptionAsync(new SelectOptionValue { Label = "PostgreSQL" });
        await FillIfSetAsync(page, "Server Name", values.ServerName);
        if (values.TlsMode is { } tlsMode)
        {
            await Field(page, "TLS Mode").SelectOptionAsync(new SelectOptionValue { Label = tlsMode });
        }

        if (values.PrivateEndpoint is { } privateEndpoint)
        {
            await Field(page, "Private endpoint?").CheckAsync();
            await Field(page, "Private endpoint host").FillAsync(privateEndpoint);
        }

        await FillIfSetAsync(page, "Port", values.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await FillIfSetAsync(page, "Username", values.Username);
        await FillIfSetAsync(page, "Password", values.Password);
        await FillIfSetAsync(page, "Database", values.Database);
        await FillIfSetAsync(page, "CA certificate", values.CaCertificate);
        await FillIfSetAsync(page, "Timeout (s)", values.TimeoutSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (values.KerberosServiceName is { } serviceName)
        {
            await Field(page, "Windows Authentication").CheckAsync();
            await Field(page, "Kerberos service name").FillAsync(serviceName);
        }
    }

    private static async Task FillIfSetAsync(IPage page, string label, string? value)
    {
        if (value is not null)
        {
            await Field(page, label).FillAsync(value);
        }
    }

    /// <summary>From Manage Destinations: Add, and wait for the empty form.</summary>
    public static async Task AddAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "Add", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "New destination" })).ToBeVisibleAsync();
    }

    /// <summary>From Manage Destinations: Add, fill, Save, and back on the grid with the confirmation.</summary>
    public static async Task CreateAsync(IPage page, DestinationValues values)
    {
        await AddAsync(page);
        await FillAsync(page, values);
        await SaveAsync(page, values.Name);
    }

    /// <summary>
    /// Clicks Save and waits for the grid with the "Saved" confirmation; <paramref name="passwordRemovedBecause"/> names
    /// the bound field whose change makes the save remove the saved password (the confirmation then says so).
    /// </summary>
    public static async Task SaveAsync(IPage page, string name, string? passwordRemovedBecause = null)
    {
        await Button(page, "Save").ClickAsync();
        var confirmation = passwordRemovedBecause is null
            ? $"Saved \"{name}\"."
            : $"Saved \"{name}\". Its saved password was removed because {passwordRemovedBecause} changed.";
        // Exact and the newest: an earlier save's confirmation for the same name may still be on screen.
        await Expect(page.GetByText(confirmation, new() { Exact = true }).Last).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Manage Destinations" })).ToBeVisibleAsync();
    }

    /// <summary>From Manage Destinations: filters to <paramref name="name"/> and opens it.</summary>
    public static async Task OpenAsync(IPage page, string name)
    {
        await FilterAsync(page, name);
        await page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Destination Details: {name}" })).ToBeVisibleAsync();
    }

    /// <summary>From Destination Details: back to Manage Destinations by the breadcrumb.</summary>
    public static async Task BackToGridAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "Manage Destinations", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Manage Destinations" })).ToBeVisibleAsync();
    }

    public static async Task FilterAsync(IPage page, string name)
    {
        await Field(page, "Filter").FillAsync(name);
        await Expect(Row(page, name)).ToBeVisibleAsync();
        // The row may already show before the debounced filter runs; a click then can land on a row the filtered render
        // replaces, and nothing happens. Wait until the grid shows only matching rows.
        await Expect(page.Locator(".destinations-grid tbody tr").Filter(new() { HasNotText = name })).ToHaveCountAsync(0);
    }
}
