using System.Globalization;
using System.Text.RegularExpressions;
using DestinationPortal.EndToEndTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DestinationPortal.EndToEndTests.Journeys;

/// <summary>
/// Issue 13: the main path in German, in a browser set to German in Berlin: sign in, add, test with a failure, save,
/// audit. Every label is found by its German text, so an untranslated one fails here; times show in Berlin's zone.
/// </summary>
[Collection(PortalTestGroup.Name)]
public sealed class GermanJourneys(PortalFixture portal)
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");

    [Fact]
    public async Task German_SignInAddTestWithFailureSaveAndAudit_InGermanWithBerlinTimes()
    {
        var token = Unique.Token();
        var userName = $"de-admin-{token}";
        var name = $"lager-süd-{token}";
        string temporaryPassword;
        await using (var adminContext = await portal.NewContextAsync())
        {
            var admin = await portal.Session.OpenAsync(adminContext);
            temporaryPassword = await PortalUsers.AddAsync(admin, userName, "Administrator");
        }

        await using var context = await portal.NewContextAsync(portal.App, "de-DE", "Europe/Berlin");
        var page = await context.NewPageAsync();

        // Sign in: the browser's German is this user's language from the first sign-in on.
        await page.GotoAsync("account/signin");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "de");
        await page.GetByLabel("Benutzername", new() { Exact = true }).FillAsync(userName);
        await page.GetByLabel("Kennwort", new() { Exact = true }).FillAsync(temporaryPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Anmelden", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Kennwort ändern" })).ToBeVisibleAsync();
        await page.GetByLabel("Aktuelles Kennwort", new() { Exact = true }).FillAsync(temporaryPassword);
        await page.GetByLabel("Neues Kennwort", new() { Exact = true }).FillAsync("ein deutsches Kennwort");
        await page.GetByLabel("Neues Kennwort bestätigen", new() { Exact = true }).FillAsync("ein deutsches Kennwort");
        await page.GetByRole(AriaRole.Button, new() { Name = "Kennwort ändern und anmelden" }).ClickAsync();
        await PortalSession.WaitForInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Destinations verwalten" })).ToBeVisibleAsync();

        // Add, with a wrong password, and test before saving.
        await page.GetByRole(AriaRole.Link, new() { Name = "Hinzufügen", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Neue Destination" })).ToBeVisibleAsync();
        await DestinationForm.Field(page, "Name").FillAsync(name);
        await DestinationForm.Field(page, "Typ").SelectOptionAsync(new SelectOptionValue { Label = "PostgreSQL" });
        await DestinationForm.Field(page, "Servername").FillAsync("127.0.0.1");
        await DestinationForm.Field(page, "TLS-Modus").SelectOptionAsync(new SelectOptionValue { Label = "Require" });
        await DestinationForm.Field(page, "Port").FillAsync(portal.PostgreSql.Tls.Port.ToString(CultureInfo.InvariantCulture));
        await DestinationForm.Field(page, "Benutzername").FillAsync(TestRoles.Scram);
        await DestinationForm.Field(page, "Kennwort").FillAsync("nicht-das-Kennwort");
        await DestinationForm.Field(page, "Datenbank").FillAsync("postgres");
        await DestinationForm.Button(page, "Verbindung testen").ClickAsync();

        var result = TestReport.Result(page);
        await Expect(result).ToContainTextAsync("Die Verbindung ist fehlgeschlagen.");
        await Expect(page.GetByTestId("test-result-facts")).ToHaveTextAsync(
            new Regex(@"^Stufe: Authentifizierung\. Kategorie: Authentifizierung\. Zu prüfendes Feld: Kennwort\. SQLSTATE 28P01\. Gesamt [\d.]+ ms\.$"));
        var authentication = TestReport.Stage(page, "Authentication");
        await Expect(authentication).ToHaveAttributeAsync("data-status", "Failed");
        await Expect(authentication).ToContainTextAsync("28P01");
        await Expect(authentication).ToContainTextAsync("Kennwort");
        await Expect(TestReport.Stage(page, "TcpConnection")).ToContainTextAsync("TCP-Verbindung zu 127.0.0.1");
        await Screenshots.SaveAsync(page, "details-german.png", fullPage: true);

        // Save: the confirmation and the grid in German, the last test at Berlin's time.
        await DestinationForm.Button(page, "Speichern").ClickAsync();
        await Expect(page.GetByText($"„{name}“ gespeichert.", new() { Exact = true }).Last).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Destinations verwalten" })).ToBeVisibleAsync();
        await page.GetByLabel("Filtern", new() { Exact = true }).FillAsync(name);
        var row = DestinationForm.Row(page, name);
        await Expect(row).ToContainTextAsync("Fehlgeschlagen");
        await ExpectBerlinTimeAsync(row.Locator("time").First);

        // The audit trail: the page and the action in German, the time in Berlin's zone, the stored name as typed.
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit-Protokoll" })).ToBeVisibleAsync();
        var entry = page.Locator("tbody tr").Filter(new() { HasText = name }).First;
        await Expect(entry).ToContainTextAsync("Destination angelegt");
        await Expect(entry).ToContainTextAsync("Servername, TLS-Modus");
        await ExpectBerlinTimeAsync(entry.Locator("time").First);
        await Screenshots.SaveAsync(page, "audit-german.png", fullPage: false);
    }

    // The element's machine-readable instant is UTC; what it shows must be that instant in Berlin, German format, with
    // the offset in force then.
    private static async Task ExpectBerlinTimeAsync(ILocator time)
    {
        var utc = DateTime.Parse(await time.GetAttributeAsync("datetime") ?? "", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, Berlin);
        var offset = Berlin.GetUtcOffset(utc).Hours;
        var expected = local.ToString("g", German) + $" UTC+{offset}";
        await Expect(time).ToHaveTextAsync(expected);
        Assert.Matches(new Regex(@"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2} UTC\+[12]$"), expected);
    }
}
