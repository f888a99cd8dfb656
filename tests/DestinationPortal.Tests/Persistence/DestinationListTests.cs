using DestinationPortal.Core.Destinations;
using DestinationPortal.Tests.Infrastructure;

namespace DestinationPortal.Tests.Persistence;

public sealed class DestinationListTests : IAsyncLifetime, IDisposable
{
    private readonly TestPortal _portal = new();
    private RunningPortal _session = null!;
    private DestinationService Service => _session.Get<DestinationService>();

    public async Task InitializeAsync()
    {
        _session = _portal.Start();
        await Create("Sales Warehouse", "pg-sales.corp.local", "sales", "6432");
        await Create("finance", "10.0.0.7", "ledger", "5432");
        await Create("Änderungen", "pg-audit.corp.local", "audit_log", "5433");
        await Create("percent%name", "db1.example.test", "x_y", "5432");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _session?.Dispose();
        _portal.Dispose();
    }

    private async Task Create(string name, string server, string database, string port)
    {
        var input = new DestinationInput { Name = name, ServerName = server, Database = database, Username = "u", Port = port };
        Assert.Equal(SaveStatus.Saved, (await Service.CreateAsync(input)).Status);
    }

    private async Task<string[]> Names(DestinationListQuery query) =>
        [.. (await Service.ListAsync(query)).Items.Select(i => i.Name)];

    [Theory]
    [InlineData("sales", new[] { "Sales Warehouse" })]
    [InlineData("CORP.LOCAL", new[] { "Änderungen", "Sales Warehouse" })]
    [InlineData("ledger", new[] { "finance" })]
    [InlineData("änd", new[] { "Änderungen" })]
    [InlineData("AND", new[] { "Änderungen" })]
    [InlineData("%", new[] { "percent%name" })]
    [InlineData("x_y", new[] { "percent%name" })]
    [InlineData("nothing-matches", new string[0])]
    public async Task List_Filter_MatchesNameServerOrDatabaseIgnoringCase(string filter, string[] expected)
    {
        Assert.Equal(expected, await Names(new DestinationListQuery(Filter: filter)));
    }

    [Fact]
    public async Task List_SortByServerDescending_OrdersByServerName()
    {
        var names = await Names(new DestinationListQuery(SortBy: DestinationSortColumn.Server, Descending: true));

        Assert.Equal(["Sales Warehouse", "Änderungen", "percent%name", "finance"], names);
    }

    [Fact]
    public async Task List_Paging_ReturnsTheRequestedSliceAndTheTotal()
    {
        // Names sort ignoring case and accents (issue 13): Änderungen, finance, percent%name, Sales Warehouse.
        var page = await Service.ListAsync(new DestinationListQuery(Skip: 1, Take: 2));

        Assert.Equal(4, page.TotalCount);
        Assert.Equal(["finance", "percent%name"], page.Items.Select(i => i.Name));
    }

    [Fact]
    public async Task List_Summary_CarriesTheGridColumns()
    {
        var row = (await Service.ListAsync(new DestinationListQuery(Filter: "finance"))).Items.Single();

        Assert.Equal(("10.0.0.7", 5432, "ledger", TlsMode.Prefer, "alice"), (row.ServerName, row.Port, row.Database, row.TlsMode, row.UpdatedBy));
        Assert.Null(row.LastTestSucceeded);
    }
}
