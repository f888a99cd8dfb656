using System.Globalization;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using static DestinationPortal.IntegrationTests.ConnectionTesting.TesterHarness;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

/// <summary>
/// The middle stages (TLS, authentication, database) against real PostgreSQL, under English and German: the same run
/// reaches the same stages, statuses, category and field to fix in both; the words are the starter's language, and what
/// the server sent (SQLSTATE, certificate subject) is quoted unchanged.
/// </summary>
[Collection(PostgreSqlTestGroup.Name)]
public sealed class StageLanguageTests(PostgreSqlServers servers)
{
    [Fact]
    public async Task RunAsync_WrongPasswordInEnglishAndGerman_SameVerdictGermanAuthenticationText()
    {
        var destination = Destination(servers.Tls.Port, TestRoles.Scram, TlsMode.Require);

        var english = await RunUnder("en-US", destination, "Wrong-canary-pass-7");
        var german = await RunUnder("de-DE", destination, "Wrong-canary-pass-7");

        AssertFailed(english, ConnectionTestStage.Authentication, ConnectionTestCategory.Authentication, nameof(DestinationInput.Password));
        AssertFailed(german, ConnectionTestStage.Authentication, ConnectionTestCategory.Authentication, nameof(DestinationInput.Password));
        Assert.Equal(english.Select(e => (e.Stage, e.Status)), german.Select(e => (e.Stage, e.Status)));
        Assert.Equal("28P01", Outcome(german).SqlState);
        var englishMessage = Last(english, ConnectionTestStage.Authentication).Message;
        var germanMessage = Last(german, ConnectionTestStage.Authentication).Message;
        Assert.Equal(
            $"Password authentication failed for user {TestRoles.Scram}: the password is wrong, or the user does not exist (the server does not say which).",
            englishMessage);
        Assert.NotEqual(englishMessage, germanMessage);
        Assert.StartsWith($"Die Kennwort-Authentifizierung für Benutzer {TestRoles.Scram} ist fehlgeschlagen", germanMessage, StringComparison.Ordinal);
        Assert.Contains("28P01", germanMessage, StringComparison.Ordinal);
        Assert.Equal(germanMessage, Outcome(german).Explanation);
        // What the server was asked for before the password was sent, in German words around the server's names.
        var asked = german.First(e => e.Stage == ConnectionTestStage.Authentication && e.Details.Count > 0);
        Assert.Equal("SCRAM-SHA-256", Detail(asked, "Vom Server verlangte Methode"));
        Assert.StartsWith("vom Server angeboten (SCRAM-SHA-256-PLUS), nicht genutzt", Detail(asked, "Kanalbindung"), StringComparison.Ordinal);
        Assert.Equal("ja (TLS)", Detail(asked, "Verschlüsselt"));
        Assert.StartsWith("Der Server verlangt SCRAM-SHA-256; Authentifizierung als", asked.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_UntrustedCertificateWithVerifyFullInGerman_GermanCertificateTextWithTheServersSubject()
    {
        var destination = Destination(servers.Tls.Port, TestRoles.Scram, TlsMode.VerifyFull, server: "localhost");

        var english = await RunUnder("en-US", destination, TestRoles.ScramPassword);
        var german = await RunUnder("de-DE", destination, TestRoles.ScramPassword);

        AssertFailed(english, ConnectionTestStage.Tls, ConnectionTestCategory.Tls, nameof(DestinationInput.CaCertificate));
        AssertFailed(german, ConnectionTestStage.Tls, ConnectionTestCategory.Tls, nameof(DestinationInput.CaCertificate));
        Assert.Equal(english.Select(e => (e.Stage, e.Status)), german.Select(e => (e.Stage, e.Status)));
        Assert.StartsWith("The server certificate failed the Verify Full check: untrusted root", Outcome(english).Explanation, StringComparison.Ordinal);
        Assert.StartsWith("Die Prüfung des Serverzertifikats nach Verify Full ist fehlgeschlagen: nicht vertrauenswürdige Stammzertifizierungsstelle",
            Outcome(german).Explanation, StringComparison.Ordinal);
        var englishTls = Last(english, ConnectionTestStage.Tls);
        var germanTls = Last(german, ConnectionTestStage.Tls);
        Assert.Equal("Der Server wird nach TLS gefragt (SSLRequest).", german.First(e => e.Stage == ConnectionTestStage.Tls).Message);
        // The certificate's own words and numbers are the server's, in every language; validity stays UTC.
        Assert.Equal("CN=db.portal.test", Detail(germanTls, "Antragsteller des Zertifikats"));
        Assert.Equal(Detail(englishTls, "Certificate issuer"), Detail(germanTls, "Aussteller des Zertifikats"));
        Assert.Equal(Detail(englishTls, "Valid until"), Detail(germanTls, "Gültig bis"));
        Assert.EndsWith(" UTC", Detail(germanTls, "Gültig bis"), StringComparison.Ordinal);
        Assert.Equal(Detail(englishTls, "SHA-256 fingerprint"), Detail(germanTls, "SHA-256-Fingerabdruck"));
        Assert.Equal("der Zertifikatspeicher dieses Servers", Detail(germanTls, "Vertrauensanker"));
        Assert.DoesNotContain(germanTls.Details, d => d.Label == "Certificate subject");
    }

    [Fact]
    public async Task RunAsync_RequireAgainstServerWithoutTlsInGerman_SaysSoInGermanWithTheSameVerdict()
    {
        var destination = Destination(servers.NoTls.Port, TestRoles.Scram, TlsMode.Require);

        var english = await RunUnder("en-US", destination, TestRoles.ScramPassword);
        var german = await RunUnder("de-DE", destination, TestRoles.ScramPassword);

        AssertFailed(english, ConnectionTestStage.Tls, ConnectionTestCategory.Tls, nameof(DestinationInput.TlsMode));
        AssertFailed(german, ConnectionTestStage.Tls, ConnectionTestCategory.Tls, nameof(DestinationInput.TlsMode));
        Assert.StartsWith("The server does not offer TLS, but ", Outcome(english).Explanation, StringComparison.Ordinal);
        Assert.StartsWith("Der Server bietet kein TLS an, aber ", Outcome(german).Explanation, StringComparison.Ordinal);
        Assert.Contains(" Require verlangt es.", Outcome(german).Explanation, StringComparison.Ordinal);
        Assert.Equal("nein", Detail(Last(german, ConnectionTestStage.Tls), "Verschlüsselt"));
    }

    [Fact]
    public async Task RunAsync_UserWithoutCreateOnPublicInGerman_EveryMiddleStageReportsInGermanWithTheSameVerdict()
    {
        var destination = Destination(servers.Tls.Port, TestRoles.NoCreate, TlsMode.Require);
        var user = TestRoles.NoCreate;

        var english = await RunUnder("en-US", destination, TestRoles.NoCreatePassword);
        var german = await RunUnder("de-DE", destination, TestRoles.NoCreatePassword);

        Assert.Equal(english.Select(e => (e.Stage, e.Status)), german.Select(e => (e.Stage, e.Status)));
        var (englishOutcome, germanOutcome) = (Outcome(english), Outcome(german));
        Assert.True(germanOutcome.Succeeded, german.ToReportText());
        Assert.Equal((englishOutcome.Category, englishOutcome.FieldToFix), (germanOutcome.Category, germanOutcome.FieldToFix));
        Assert.Equal(ConnectionTestCategory.Permissions, germanOutcome.Category);
        Assert.Contains($"Connected to 127.0.0.1 as {user} (SCRAM-SHA-256, TLS). But {user} cannot create tables in schema public (grant with: GRANT CREATE ON SCHEMA public TO {user}).",
            englishOutcome.Explanation, StringComparison.Ordinal);
        Assert.Contains($"Verbunden mit 127.0.0.1 als {user} (SCRAM-SHA-256, TLS). Aber {user} kann im Schema public keine Tabellen anlegen (Recht vergeben mit: GRANT CREATE ON SCHEMA public TO {user}).",
            germanOutcome.Explanation, StringComparison.Ordinal);

        Assert.StartsWith("Verschlüsselt mit TLS 1.", Last(german, ConnectionTestStage.Tls).Message, StringComparison.Ordinal);
        Assert.Contains("Zertifikat nicht geprüft: TLS-Modus Require", Last(german, ConnectionTestStage.Tls).Message, StringComparison.Ordinal);
        Assert.Contains(german, e => e.Message.StartsWith($"Der Server wird gefragt, welche Authentifizierung er für Benutzer {user} in der Datenbank postgres verlangt", StringComparison.Ordinal));
        Assert.Equal($"Als {user} mit SCRAM-SHA-256 authentifiziert.", Last(german, ConnectionTestStage.Authentication).Message);
        var database = Last(german, ConnectionTestStage.Database);
        Assert.Equal($"{user} kann im Schema public von postgres keine Tabellen anlegen.", database.Message);
        Assert.Equal("nein", Detail(database, "CREATE auf Schema public"));
        Assert.Equal("ja", Detail(database, "CONNECT auf der Datenbank"));
        Assert.Equal(user, Detail(database, "current_user"));
        Assert.Equal("TLS-verschlüsselt", Detail(database, "Verschlüsselung der Sitzung"));
        var serverTls = Detail(database, "TLS laut Server (pg_stat_ssl)");
        Assert.StartsWith("TLSv1.", serverTls, StringComparison.Ordinal);
        Assert.EndsWith(" Bit", serverTls, StringComparison.Ordinal);
    }

    private static async Task<IReadOnlyList<ConnectionTestEvent>> RunUnder(string culture, DestinationDefinition destination, string? password)
    {
        var previous = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (CultureInfo.GetCultureInfo(culture), CultureInfo.GetCultureInfo(culture));
            return await RunAsync(destination, password);
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = previous;
        }
    }
}
