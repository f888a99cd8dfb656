using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Persistence;
using DestinationPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DestinationPortal.Tests.Persistence;

/// <summary>
/// SQLite serves every sort the grid offers from an index in its order (the folded keys; Type, TLS mode, last change; the
/// last test's expression index, decision 52), so a page stops after its rows at any size. What the filter and the sorts return is a contract run on
/// both stores: tests/DestinationPortal.IntegrationTests/Store/DestinationFilterMatrix.cs and DestinationSortMatrix.cs.
/// </summary>
public sealed class FoldedSortIndexTests : IAsyncLifetime, IDisposable
{
    private readonly TestPortal _portal = new();
    private RunningPortal _session = null!;

    public async Task InitializeAsync()
    {
        _session = _portal.Start();
        await Create("Süd-Lager", "datenbank-müller.example", "straße");
        await Create("sud-archiv", "Zeta.example", "archiv");
        await Create("Zentrale", "Äpfel.example", "Zahlen");
        await Create("Anmeldung", "alpha.example", "Änderungen");
        await Create("Änderungen", "beta.example", "anmeldung");
        await Create("Muller", "gamma.example", "b");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _session?.Dispose();
        _portal.Dispose();
    }

    // Straight into the table: host names with umlauts are not yet accepted by the form's rules, and the keys must
    // follow from the entity itself, whoever writes it.
    private async Task Create(string name, string server, string database)
    {
        await using var db = await _session.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var destination = new Destination { Id = Guid.CreateVersion7(), CreatedBy = "alice", UpdatedBy = "alice", Version = Guid.NewGuid() };
        destination.Apply(new DestinationDefinition(name, PostgreSqlDestinationType.Id, server, TlsMode.Prefer, null, 5432, false, "u", database, null, 10, "postgres"));
        db.Destinations.Add(destination);
        await db.SaveChangesAsync();
    }

    [Theory]
    [InlineData(DestinationSortColumn.Name, false, "IX_Destinations_NameKey_Id")]
    [InlineData(DestinationSortColumn.Name, true, "IX_Destinations_NameKey_Id")]
    [InlineData(DestinationSortColumn.Server, false, "IX_Destinations_ServerNameKey_Port_Id")]
    [InlineData(DestinationSortColumn.Database, true, "IX_Destinations_DatabaseKey_Id")]
    [InlineData(DestinationSortColumn.Type, false, "IX_Destinations_TypeId_Id")]
    [InlineData(DestinationSortColumn.TlsMode, true, "IX_Destinations_TlsMode_Id")]
    [InlineData(DestinationSortColumn.UpdatedAt, false, "IX_Destinations_UpdatedAtUtc_Id")]
    [InlineData(DestinationSortColumn.UpdatedAt, true, "IX_Destinations_UpdatedAtUtc_Id")]
    [InlineData(DestinationSortColumn.LastTest, false, "IX_Destinations_LastTestOrder")]
    [InlineData(DestinationSortColumn.LastTest, true, "IX_Destinations_LastTestOrder")]
    public async Task ListQuery_SortedPage_IsReadInIndexOrderWithoutSorting(DestinationSortColumn column, bool descending, string index)
    {
        await using var db = await _session.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var page = DestinationListing.Sort(db.Destinations, column, descending).Take(25);

        var plan = await QueryPlan.ExplainAsync(db, page);

        Assert.Contains(index, plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
    }
}
