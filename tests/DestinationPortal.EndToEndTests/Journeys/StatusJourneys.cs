using DestinationPortal.EndToEndTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DestinationPortal.EndToEndTests.Journeys;

/// <summary>
/// "Last test" as an administrator meets it: Add, fill in, Test Connection, Save shows the test's outcome, and a
/// later change to a connection field says "Not tested since change" instead of the old "Passed".
/// </summary>
[Collection(PortalTestGroup.Name)]
public sealed class StatusJourneys(PortalFixture portal) : IAsyncLifetime
{
    private IBrowserContext _context = null!;

    public async Task InitializeAsync() => _context = await portal.NewContextAsync();

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task AddTestSave_RowSaysPassed_ThenAPortChange_SaysNotTestedSinceChange()
    {
        var name = $"status-{Unique.Token()}";
        var page = await portal.Session.OpenAsync(_context);
        await DestinationForm.AddAsync(page);
        await DestinationForm.FillAsync(page, new DestinationValues(name)
        {
            ServerName = "localhost",
            TlsMode = "Verify Full",
            Port = portal.PostgreSql.Tls.Port,
            Username = TestRoles.Scram,
            Password = TestRoles.ScramPassword,
            Database = "postgres",
            CaCertificate = portal.PostgreSql.Certificates.Ca.CertificatePem,
        });
        await DestinationForm.Button(page, "Test Connection").ClickAsync();
        await Expect(TestReport.Result(page)).ToContainTextAsync("Connection works.");

        await DestinationForm.SaveAsync(page, name);
        await DestinationForm.FilterAsync(page, name);
        await Expect(DestinationForm.Row(page, name).Locator(".last-test")).ToHaveTextAsync("Passed");

        // A closed port, saved without retyping the password: the saved password goes, and so does the old "Passed".
        await DestinationForm.OpenAsync(page, name);
        await DestinationForm.Field(page, "Port").FillAsync(FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        await DestinationForm.SaveAsync(page, name, passwordRemovedBecause: "Port");
        await DestinationForm.FilterAsync(page, name);
        var row = DestinationForm.Row(page, name);
        await Expect(row.Locator(".last-test")).ToHaveTextAsync("Not tested since change");
        await Expect(row.GetByRole(AriaRole.Img, new() { Name = "No password saved", Exact = true })).ToBeVisibleAsync();
    }
}
