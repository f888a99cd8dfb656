using DestinationPortal.Core.Access;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DestinationPortal.IntegrationTests.Store;

public sealed class DestinationSortOnSqliteTests : DestinationSortContract
{
    protected override Task<PortalStore> CreateStoreAsync() => PortalStore.SqliteAsync();
}

[Collection(PostgreSqlTestGroup.Name)]
public sealed class DestinationSortOnPostgreSqlTests(PostgreSqlServers servers) : DestinationSortContract
{
    protected override Task<PortalStore> CreateStoreAsync() => PortalStore.PostgreSqlAsync(servers.NoTls);
}

/// <summary>
/// Every sort of the grid, and export's order, the same on both stores: SQLite's byte order, whatever collation the
/// PostgreSQL database was made with (its test databases use English rules, which put "_" before "-" and ignore case),
/// and never-tested destinations first when sorting by the last test (PostgreSQL puts NULL last unless told).
/// </summary>
public abstract class DestinationSortContract : StoreContract
{
    private static readonly DateTime Day = new(2026, 11, 30, 8, 0, 0, DateTimeKind.Utc);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // Values chosen so that byte order and a language's order disagree (punctuation, case, umlauts), the Type sort
        // (one type) falls through to the id, and two destinations share a server and differ by port.
        await Seed("00000000-0000-0000-0000-000000000003", Definition("a-b", "pg-1.example", "db-a", TlsMode.Require, 6432), lastTest: null, updated: 3);
        await Seed("00000000-0000-0000-0000-00000000000a", Definition("a_c", "pg_1.example", "dbz", TlsMode.Allow), lastTest: 2, updated: 1);
        await Seed("00000000-0000-0000-0000-0000000000a0", Definition("a b", "PG-0.example", "db_b", TlsMode.VerifyFull), lastTest: null, updated: 5);
        await Seed("10000000-0000-0000-0000-000000000000", Definition("ab", "pg-1.example", "Dba", TlsMode.Disable), lastTest: 1, updated: 2);
        await Seed("0000000b-0000-0000-0000-000000000000", Definition("Äd", "pg1.example", "db b", TlsMode.VerifyCA), lastTest: 3, updated: 4);
    }

    private async Task Seed(string id, DestinationDefinition definition, int? lastTest, int updated) =>
        await InsertAsync(definition, Guid.Parse(id), d =>
        {
            d.UpdatedAtUtc = Day.AddHours(updated);
            if (lastTest is { } hours)
            {
                d.RecordTest(LastTestStatus.Passed, Day.AddHours(hours));
            }
        });

    public static TheoryData<DestinationSortColumn, string[]> AscendingOrders => new()
    {
        { DestinationSortColumn.Name, ["a b", "a-b", "a_c", "ab", "Äd"] },
        { DestinationSortColumn.Type, ["a-b", "a_c", "a b", "Äd", "ab"] },
        { DestinationSortColumn.Server, ["a b", "ab", "a-b", "Äd", "a_c"] },
        { DestinationSortColumn.Database, ["Äd", "a-b", "a b", "ab", "a_c"] },
        { DestinationSortColumn.TlsMode, ["a_c", "ab", "a-b", "Äd", "a b"] },
        { DestinationSortColumn.LastTest, ["a-b", "a b", "ab", "a_c", "Äd"] },
        { DestinationSortColumn.UpdatedAt, ["a_c", "ab", "a-b", "Äd", "a b"] },
    };

    [Theory]
    [MemberData(nameof(AscendingOrders))]
    public async Task List_SortByEachColumn_BothDirections_IsSqlitesByteOrder_NeverTestedFirst(DestinationSortColumn column, string[] ascending)
    {
        var up = await NamesAsync(new DestinationListQuery(SortBy: column));
        var down = await NamesAsync(new DestinationListQuery(SortBy: column, Descending: true));

        Assert.Equal(ascending, up);
        Assert.Equal(ascending.Reverse(), down);
    }

    [Fact]
    public async Task List_SortedPages_ContinueWhereTheLastOneStopped()
    {
        var pages = new List<string>();
        for (var skip = 0; skip < 5; skip += 2)
        {
            pages.AddRange(await NamesAsync(new DestinationListQuery(SortBy: DestinationSortColumn.LastTest, Skip: skip, Take: 2)));
        }

        Assert.Equal(["a-b", "a b", "ab", "a_c", "Äd"], pages);
    }

    [Fact]
    public async Task Export_IsInNameOrder_ComparedAsSqliteCompares()
    {
        var document = await Instance.Get<DestinationTransfer>().ExportAsync();

        // By the upper-cased name, byte by byte: "AB" before "A_C" ('B' is 0x42, '_' 0x5F), unlike the grid's lower-case keys.
        Assert.Equal(["a b", "a-b", "ab", "a_c", "Äd"], document.Destinations.Select(d => d.Name));
    }

    [Fact]
    public async Task Users_AndTheAuditTrailsUserNames_AreListedInByteOrder()
    {
        await using (var db = await Instance.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            foreach (var name in new[] { "a_c", "Bob", "a-b", "ab" })
            {
                db.Users.Add(new PortalUser { UserName = name, NormalizedUserName = name.ToUpperInvariant(), Role = PortalRole.Viewer, CreatedAtUtc = Day });
                db.AuditEntries.Add(Instance.Get<AuditLog>().Entry(AuditActions.SignIn, userName: name));
            }

            await db.SaveChangesAsync();
        }

        var users = await Instance.Get<UserAdministration>().ListAsync();
        var auditNames = await Instance.Get<AuditTrail>().UserNamesAsync();

        // Users by upper-cased name ("A-B" < "AB" < "A_C" < "BOB"); the audit trail's names as written ("Bob" first).
        Assert.Equal(["a-b", "ab", "a_c", "Bob"], users.Select(u => u.UserName));
        Assert.Equal(["Bob", "a-b", "a_c", "ab"], auditNames);
    }
}
