using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DestinationPortal.IntegrationTests.Store;

public sealed class DestinationImportOnSqliteTests : DestinationImportContract
{
    protected override Task<PortalStore> CreateStoreAsync() => PortalStore.SqliteAsync();

    protected override string RefuseSecondFreshRowSql => """
        CREATE TRIGGER refuse_second_fresh BEFORE INSERT ON Destinations
        WHEN (SELECT count(*) FROM Destinations WHERE Name LIKE 'fresh-%') >= 1
        BEGIN SELECT RAISE(ABORT, 'the second fresh row is refused'); END;
        """;
}

[Collection(PostgreSqlTestGroup.Name)]
public sealed class DestinationImportOnPostgreSqlTests(PostgreSqlServers servers) : DestinationImportContract
{
    protected override Task<PortalStore> CreateStoreAsync() => PortalStore.PostgreSqlAsync(servers.NoTls);

    protected override string RefuseSecondFreshRowSql => """
        CREATE FUNCTION refuse_second_fresh() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF (SELECT count(*) FROM "Destinations" WHERE "Name" LIKE 'fresh-%') >= 1 THEN
                RAISE EXCEPTION 'the second fresh row is refused';
            END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER refuse_second_fresh BEFORE INSERT ON "Destinations" FOR EACH ROW EXECUTE FUNCTION refuse_second_fresh();
        """;
}

/// <summary>An import on either store is written entirely or not at all, and matches stored names ignoring case.</summary>
public abstract class DestinationImportContract : StoreContract
{
    /// <summary>A trigger that refuses the second of two new rows, so that one row is already written when the import fails.</summary>
    protected abstract string RefuseSecondFreshRowSql { get; }

    private static DestinationDocumentEntry Entry(string name, Guid? id = null, int port = 5432) => new()
    {
        Id = id,
        Name = name,
        ServerName = "db.example.test",
        Port = port,
        Username = "loader",
        Database = "sales",
    };

    private static byte[] Document(params DestinationDocumentEntry[] entries) => DestinationTransfer.Serialize(new DestinationDocument { Destinations = entries });

    private async Task<(int Destinations, int ImportAuditRows)> CountAsync()
    {
        await using var db = await Instance.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return (await db.Destinations.CountAsync(), await db.AuditEntries.CountAsync(e => e.Details != null && e.Details.StartsWith("import:")));
    }

    [Fact]
    public async Task Import_StoreRefusesARowPartWay_NothingIsWritten_NeitherRowsNorUpdatesNorAuditRows()
    {
        var kept = await Service.CreateAsync(Input("kept"));
        await using (var db = await Instance.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlRawAsync(RefuseSecondFreshRowSql);
        }

        var document = Document(Entry("kept", kept.Id, port: 6543), Entry("fresh-1"), Entry("fresh-2"));

        await Assert.ThrowsAsync<DbUpdateException>(() => Instance.Get<DestinationTransfer>().ImportAsync(document, dryRun: false));

        Assert.Equal((1, 0), await CountAsync());
        var stored = await Service.GetForEditAsync(kept.Id!.Value);
        Assert.Equal((5432, kept.Version), (stored!.Definition.Port, stored.Version));
    }

    [Fact]
    public async Task Import_WithoutTheTrigger_WritesEveryRowAndTheirAuditRows()
    {
        // The same document as above, so the refusal there is the trigger's doing and not the document's.
        var kept = await Service.CreateAsync(Input("kept"));

        var result = await Instance.Get<DestinationTransfer>().ImportAsync(Document(Entry("kept", kept.Id, port: 6543), Entry("fresh-1"), Entry("fresh-2")), dryRun: false);

        Assert.True(result.Applied);
        Assert.Equal((3, 3), await CountAsync());
    }

    [Fact]
    public async Task Import_EntryWithoutId_UpdatesTheDestinationOfThatName_IgnoringCaseAndAccentsNotFolded()
    {
        var existing = await Service.CreateAsync(Input("Süd-Lager"));

        var result = await Instance.Get<DestinationTransfer>().ImportAsync(Document(Entry("süd-LAGER", port: 7000), Entry("Sud-Lager")), dryRun: false);

        Assert.True(result.Applied);
        Assert.Equal((ImportAction.Update, existing.Id), (result.Plan.Items[0].Action, result.Plan.Items[0].Id));
        Assert.Equal(ImportAction.Create, result.Plan.Items[1].Action);
        var stored = await Service.GetForEditAsync(existing.Id!.Value);
        Assert.Equal(("süd-LAGER", 7000), (stored!.Definition.Name, stored.Definition.Port));
        await using var db = await Instance.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(2, await db.AuditEntries.CountAsync(e => e.Action != AuditActions.DestinationsExported && e.Details != null && e.Details.StartsWith("import:")));
    }
}
