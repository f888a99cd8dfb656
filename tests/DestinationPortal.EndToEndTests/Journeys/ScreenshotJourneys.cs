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

        // Fresh pages for the pictures: no confirmation toasts left over from saving. A laptop's 1440 px, where the report
        // sits beside the form, and a phone's 390 px, where the app bar folds behind its Menu button.
        await using (var wide = await portal.NewContextAsync(app, width: 1440, height: 900))
        {
            var grid = await session.OpenAsync(wide);
            await Expect(grid.GetByTestId("signed-in-user")).ToContainTextAsync(PortalFixture.AdminName);
            await Expect(DestinationForm.Row(grid, "local-pg")).ToContainTextAsync("Passed");
            await Expect(DestinationForm.Row(grid, "finance")).ToContainTextAsync("Failed");
            await Expect(DestinationForm.Row(grid, "staging")).ToContainTextAsync("Not tested");
            await Expect(grid.Locator(".destinations-grid tbody tr")).ToHaveCountAsync(5);
            await Screenshots.SaveAsync(grid, "manage-destinations.png", fullPage: false);

            await DestinationForm.OpenAsync(grid, "azure-dwh");
            await Expect(DestinationForm.Field(grid, "Private endpoint host")).ToHaveValueAsync("10.20.0.7");
            await Screenshots.SaveAsync(grid, "destination-details.png", fullPage: false);

            await DestinationForm.BackToGridAsync(grid);
            await DestinationForm.OpenAsync(grid, "local-pg");
            await DestinationForm.Button(grid, "Test Connection").ClickAsync();
            await Expect(TestReport.Result(grid)).ToContainTextAsync("Connection works.");
            await Expect(grid.GetByTestId("test-history").Locator("tbody tr")).ToHaveCountAsync(2);
            await Screenshots.SaveAsync(grid, "test-report.png", fullPage: false);
        }

        await using (var phone = await portal.NewContextAsync(app, width: 390, height: 844))
        {
            var grid = await session.OpenAsync(phone);
            await Expect(DestinationForm.Row(grid, "local-pg")).ToContainTextAsync("Passed");
            await Screenshots.SaveAsync(grid, "manage-destinations-phone.png", fullPage: false);

            await DestinationForm.OpenAsync(grid, "finance");
            await DestinationForm.Button(grid, "Test Connection").ClickAsync();
            await Expect(TestReport.Result(grid)).ToContainTextAsync("Connection failed.");
            await Screenshots.SaveAsync(grid, "destination-details-phone.png", fullPage: false);
        }

        foreach (var file in Directory.GetFiles(Screenshots.OutputDirectory))
        {
            Assert.True(new FileInfo(file).Length > 10_000, $"{file} is nearly empty.");
        }
    }
}
