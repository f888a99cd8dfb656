using System.Text;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Persistence;
using DestinationPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DestinationPortal.Tests.Localization;

/// <summary>
/// What the destination services say comes from DestinationMessages in the reader's language, while what they store in
/// the audit trail (changed fields) and name fields by in an import plan stays English whatever the culture.
/// </summary>
public sealed class CoreDestinationLanguageTests : IDisposable
{
    private static readonly DestinationDefinition Saved = new(
        "warehouse", PostgreSqlDestinationType.Id, "db.example.test", TlsMode.Prefer, null, 5432, false, "loader", "sales", null, 10, "postgres");

    private readonly TestPortal _portal = new();

    public void Dispose() => _portal.Dispose();

    [Fact]
    public async Task UpdateAndCreate_InGerman_StoreEnglishFieldNamesInTheAuditTrail()
    {
        using var _ = UiCulture.Use("de-DE");
        using var session = _portal.Start();
        var service = session.Get<DestinationService>();
        var created = await service.CreateAsync(PortalBunitContext.ValidInput());
        var edited = PortalBunitContext.ValidInput();
        edited.ServerName = "db2.example.test";
        edited.Port = "6543";
        edited.WindowsAuthentication = true;

        var updated = await service.UpdateAsync(created.Id!.Value, created.Version, edited);

        Assert.Equal(SaveStatus.Saved, updated.Status);
        await using var db = await session.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var rows = await db.AuditEntries.Where(e => e.DestinationId == created.Id).ToListAsync();
        Assert.Equal("Name, Type, Server Name, TLS Mode, Port, Username, Database, Timeout (s), Kerberos service name",
            rows.Single(r => r.Action == AuditActions.DestinationCreated).ChangedFields);
        Assert.Equal("Server Name, Port, Windows Authentication", rows.Single(r => r.Action == AuditActions.DestinationUpdated).ChangedFields);
    }

    [Fact]
    public async Task Create_DuplicateNameInGerman_SaysSoInGerman()
    {
        using var _ = UiCulture.Use("de-DE");
        using var session = _portal.Start();
        var service = session.Get<DestinationService>();
        await service.CreateAsync(PortalBunitContext.ValidInput());

        var second = await service.CreateAsync(PortalBunitContext.ValidInput("WAREHOUSE"));

        Assert.Equal(
            "Eine Destination namens „WAREHOUSE“ gibt es bereits (Namen werden ohne Beachtung der Groß- und Kleinschreibung verglichen).",
            Assert.Single(second.Errors!).Message);
    }

    [Fact]
    public void DescribeChanges_InGerman_UsesGermanLabelsAndWordsButEnglishFieldNames()
    {
        using var _ = UiCulture.Use("de-DE");
        var edited = Saved with { ServerName = "db2.example.test", WindowsAuthentication = true, Database = "" };

        var changes = DefinitionChanges.Describe(Saved, edited, passwordChanged: true);

        Assert.Equal(["Server Name", "Windows Authentication", "Password", "Database"], changes.Select(c => c.Field));
        Assert.Equal(
            ["Servername: db.example.test → db2.example.test", "Windows-Authentifizierung: Nein → Ja", "Kennwort geändert", "Datenbank: sales → (leer)"],
            changes.Select(c => c.Describe()));
        Assert.Equal(["Server Name", "Windows Authentication", "Password", "Database"], DefinitionChanges.Between(Saved, edited, passwordChanged: true));
    }

    [Fact]
    public void PasswordBinding_InGerman_NamesChangedFieldsInGerman()
    {
        using var _ = UiCulture.Use("de-DE");
        var changed = PasswordBinding.ChangedFields(Saved, Saved with { ServerName = "db2.example.test", Port = 6543, TlsMode = TlsMode.Require });

        Assert.Equal(["Servername", "TLS-Modus", "Port"], changed);
        Assert.Equal(
            "Beim Speichern wird das gespeicherte Kennwort entfernt, weil sich Folgendes geändert hat: Servername, TLS-Modus und Port. Geben Sie das Kennwort ein, um eines zu behalten.",
            PasswordBinding.SavingClearsMessage(changed));
    }

    [Fact]
    public void PasswordBinding_InEnglish_KeepsTheEnglishSentence()
    {
        using var _ = UiCulture.Use("en-US");
        var changed = PasswordBinding.ChangedFields(Saved, Saved with { ServerName = "db2.example.test", Port = 6543 });

        Assert.Equal(
            "Saving clears the saved password because Server Name and Port changed. Type the password to keep one.",
            PasswordBinding.SavingClearsMessage(changed));
    }

    [Fact]
    public void ReadDocument_InGerman_ReportsProblemsInGerman()
    {
        using var _ = UiCulture.Use("de-DE");

        var empty = DestinationDocumentReader.Read(ReadOnlyMemory<byte>.Empty);
        var shape = DestinationDocumentReader.Read(Encoding.UTF8.GetBytes("[]"));
        var entry = DestinationDocumentReader.Read(Encoding.UTF8.GetBytes("""{ "destinations": [ { "name": "warehouse", "password": "x" } ] }"""));
        var wrongType = DestinationDocumentReader.Read(Encoding.UTF8.GetBytes("""{ "destinations": [ { "name": "warehouse", "port": "x" } ] }"""));

        Assert.Equal("Das Dokument ist leer. Wählen Sie eine Datei, die ein Destination Portal exportiert hat.", Assert.Single(empty.Problems).Message);
        Assert.StartsWith("Das Dokument muss ein JSON-Objekt", Assert.Single(shape.Problems).Message, StringComparison.Ordinal);
        Assert.StartsWith("Eintrag 1 (warehouse): Kennwörter werden nie importiert", Assert.Single(entry.Problems).Display, StringComparison.Ordinal);
        Assert.Equal("port muss eine ganze Zahl sein.", Assert.Single(wrongType.Problems).Message);
        Assert.StartsWith("Das Dokument ist größer als 1.048.576 Byte", DestinationDocumentReader.TooLargeMessage, StringComparison.Ordinal);
    }
}
