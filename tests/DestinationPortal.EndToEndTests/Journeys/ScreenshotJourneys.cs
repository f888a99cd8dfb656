using DestinationPortal.EndToEndTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace DestinationPortal.EndToEndTests.Journeys;

/// <summary>
/// The README's screenshots, taken from a portal of their own (an empty data directory, so no other journey's
/// destinations show) with a handful of realistic destinations, one tested successfully and one failing.
/// Regenerate docs/screenshots/ with: PORTAL_UPDATE_SCREENSHOTS=1 dotnet test tests/DestinationPortal.EndToEndTests -c Release
/// </summary>
[Collection(PortalTestGroup.Name)]
public sealed class ScreenshotJourneys(PortalFixture portal)
{
    [Fact]
    public async Task Screens_WithRealisticDestinations_SavedAsScreenshots()
    {
        var app = await portal.StartAppAsync();
        var session = new PortalSession(app);
        var tls = portal.PostgreSql.Tls.Port;

        await using (var context = await portal.NewContextAsync(app))
        {
            var page = await session.OpenAsync(context);
            await DestinationForm.CreateAsync(page, new DestinationValues("local-pg")
            {
                ServerName = "localhost",
                TlsMode = "Verify Full",
                Port = tls,
                Username = TestRoles.Scram,
                Password = TestRoles.ScramPassword,
                Database = "postgres",
                CaCertificate = portal.PostgreSql.Certificates.Ca.CertificatePem,
            });
            await DestinationForm.CreateAsync(page, new DestinationValues("finance")
            {
                ServerName = "127.0.0.1",
                TlsMode = "Require",
                Port = tls,
                Username = TestRoles.Scram,
                Password = "an-outdated-password",
                Database = "postgres",
            });
            await DestinationForm.CreateAsync(page, new DestinationValues("azure-dwh")
            {
                ServerName = "dwh-prod.postgres.database.azure.com",
                TlsMode = "Verify Full",
                PrivateEndpoint = "10.20.0.7",
                Username = "sap_loader",
                Password = "not-a-real-password",
                Database = "dwh",
                TimeoutSeconds = 30,
            });
            await DestinationForm.CreateAsync(page, new DestinationValues("hr-reporting")
            {
                ServerName = "pg-hr.corp.local",
                Port = 6432,
                Username = "hr_loader",
                Database = "hr",
            });
            await DestinationForm.CreateAsync(page, new DestinationValues("staging")
            {
                ServerName = "pg-staging.corp.local",
                TlsMode = "Disable",
                Username = "loader",
                Database = "staging",
            });

            foreach (var (name, outcome) in new[] { ("finance", "Connection failed."), ("local-pg", "Connection works.") })
            {
                await DestinationForm.OpenAsync(page, name);
                await DestinationForm.Button(page, "Test Connection").ClickAsync();
                await Expect(TestReport.Result(page)).ToContainTextAsync(outcome);
                await DestinationForm.BackToGridAsync(page);
            }
        }

        // Fresh pages for the pictures: no confirmation toasts left over from saving.
        await using (var wide = await portal.NewContextAsync(app, width: 1600, height: 640))
        {
            var grid = await session.OpenAsync(wide);
            await Expect(DestinationForm.Row(grid, "local-pg")).ToContainTextAsync("Passed");
            await Expect(DestinationForm.Row(grid, "finance")).ToContainTextAsync("Failed");
            await Expect(DestinationForm.Row(grid, "staging")).ToContainTextAsync("Not tested");
            await Expect(grid.Locator(".destinations-grid tbody tr")).ToHaveCountAsync(5);
            await Screenshots.SaveAsync(grid, "manage-destinations.png", fullPage: false);
        }

        await using (var narrow = await portal.NewContextAsync(app, width: 1000, height: 800))
        {
            var page = await session.OpenAsync(narrow);
            await DestinationForm.OpenAsync(page, "azure-dwh");
            await Expect(DestinationForm.Field(page, "Private endpoint host")).ToHaveValueAsync("10.20.0.7");
            await Screenshots.SaveAsync(page, "destination-details.png", fullPage: true);

            await DestinationForm.BackToGridAsync(page);
            await DestinationForm.OpenAsync(page, "local-pg");
            await DestinationForm.Button(page, "Test Connection").ClickAsync();
            await Expect(TestReport.Result(page)).ToContainTextAsync("Connection works.");
            await Expect(page.GetByTestId("test-history").Locator("tbody tr")).ToHaveCountAsync(2);
            await Screenshots.SaveAsync(page, "test-report.png", fullPage: true);
        }

        foreach (var file in Directory.GetFiles(Screenshots.OutputDirectory))
        {
            Assert.True(new FileInfo(file).Length > 10_000, $"{file} is nearly empty.");
        }
    }
}
