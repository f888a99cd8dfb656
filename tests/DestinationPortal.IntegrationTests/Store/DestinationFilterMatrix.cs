using DestinationPortal.Core.Destinations;

namespace DestinationPortal.IntegrationTests.Store;

public sealed class DestinationFilterOnSqliteTests : DestinationFilterContract
{
    protected override Task<PortalStore> CreateStoreAsync() => PortalStore.SqliteAsync();
}

[Collection(PostgreSqlTestGroup.Name)]
public sealed class DestinationFilterOnPostgreSqlTests(PostgreSqlServers servers) : DestinationFilterContract
{
    protected override Task<PortalStore> CreateStoreAsync() => PortalStore.PostgreSqlAsync(servers.NoTls);
}

/// <summary>
/// The grid's filter as a German speaker expects it, on either store: case and accents ignored (SQLite's LIKE ignores
/// ASCII case and PostgreSQL's does not, so neither may decide: both compare the stored search keys), and the
/// wildcards of LIKE matched as the characters they are.
/// </summary>
public abstract class DestinationFilterContract : StoreContract
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await InsertAsync(Definition("Süd-Lager", "datenbank-müller.example", "straße"));
        await InsertAsync(Definition("sud-archiv", "Zeta.example", "archiv"));
        await InsertAsync(Definition("Zentrale", "Äpfel.example", "Zahlen"));
        await InsertAsync(Definition("Anmeldung", "alpha.example", "Änderungen"));
        await InsertAsync(Definition("Änderungen", "beta.example", "anmeldung"));
        await InsertAsync(Definition("Muller", "gamma.example", "b"));
        await InsertAsync(Definition("percent%name", "db1.example.test", "x_y"));
        await InsertAsync(Definition("Sales Warehouse", "PG-SALES.corp.local", "sales"));
    }

    [Theory]
    [InlineData("sud", new[] { "sud-archiv", "Süd-Lager" })]
    [InlineData("SUD", new[] { "sud-archiv", "Süd-Lager" })]
    [InlineData("SÜD", new[] { "sud-archiv", "Süd-Lager" })]
    [InlineData("muller", new[] { "Muller", "Süd-Lager" })]
    [InlineData("MÜLLER", new[] { "Muller", "Süd-Lager" })]
    [InlineData("strasse", new[] { "Süd-Lager" })]
    [InlineData("Straße", new[] { "Süd-Lager" })]
    [InlineData("apfel", new[] { "Zentrale" })]
    [InlineData("mueller", new string[0])]
    [InlineData("corp.LOCAL", new[] { "Sales Warehouse" })]
    [InlineData("pg-sales", new[] { "Sales Warehouse" })]
    [InlineData("%", new[] { "percent%name" })]
    [InlineData("x_y", new[] { "percent%name" })]
    [InlineData("_", new[] { "percent%name" })]
    [InlineData("nothing-matches", new string[0])]
    public async Task List_Filter_IgnoresCaseAndAccentsInNameServerAndDatabase_AndWildcardsAreLiteral(string filter, string[] expected)
    {
        Assert.Equal(expected, await NamesAsync(new DestinationListQuery(Filter: filter)));
    }

    [Fact]
    public async Task List_FilterAndPaging_CountsEveryMatch_ReturnsTheSlice()
    {
        var page = await Service.ListAsync(new DestinationListQuery(Filter: "a", Skip: 1, Take: 2));

        // Every row has an "a" in its name, server or database key (Muller in gamma.example); by name key: anderungen,
        // anmeldung, muller, percent%name, sales warehouse, sud-archiv, sud-lager, zentrale.
        Assert.Equal(8, page.TotalCount);
        Assert.Equal(["Anmeldung", "Muller"], page.Items.Select(i => i.Name));
    }

    [Fact]
    public async Task List_SortByName_PutsUmlautsWithTheirLetter()
    {
        Assert.Equal(
            ["Änderungen", "Anmeldung", "Muller", "percent%name", "Sales Warehouse", "sud-archiv", "Süd-Lager", "Zentrale"],
            await NamesAsync(new DestinationListQuery(SortBy: DestinationSortColumn.Name)));
    }

    [Fact]
    public async Task List_SortByServer_PutsUmlautsWithTheirLetter()
    {
        Assert.Equal(
            ["Anmeldung", "Zentrale", "Änderungen", "Süd-Lager", "percent%name", "Muller", "Sales Warehouse", "sud-archiv"],
            await NamesAsync(new DestinationListQuery(SortBy: DestinationSortColumn.Server)));
    }

    [Fact]
    public async Task List_SortByDatabaseDescending_PutsUmlautsWithTheirLetter()
    {
        // Keys: zahlen, x_y, strasse, sales, b, archiv, anmeldung, anderungen.
        Assert.Equal(
            ["Zentrale", "percent%name", "Süd-Lager", "Sales Warehouse", "Muller", "sud-archiv", "Änderungen", "Anmeldung"],
            await NamesAsync(new DestinationListQuery(SortBy: DestinationSortColumn.Database, Descending: true)));
    }

    [Fact]
    public async Task List_Summary_CarriesTheGridColumns()
    {
        var row = (await Service.ListAsync(new DestinationListQuery(Filter: "warehouse"))).Items.Single();

        Assert.Equal(("PG-SALES.corp.local", 5432, "sales", TlsMode.Prefer, "alice"), (row.ServerName, row.Port, row.Database, row.TlsMode, row.UpdatedBy));
        Assert.Null(row.LastTestSucceeded);
    }
}
