using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit.Abstractions;

namespace DestinationPortal.IntegrationTests.Store;

/// <summary>
/// PostgreSQL's side of <c>FoldedSortIndexTests</c> (SQLite): with 10,000 destinations and fresh statistics, every sort
/// the grid offers reads an index in its order and stops after the page, with no sort step in the plan (issue 16). At a
/// handful of rows the planner rightly prefers a scan and a sort, so the table is filled first.
/// </summary>
[Collection(PostgreSqlTestGroup.Name)]
public sealed class DestinationSortPlanOnPostgreSqlTests(PostgreSqlServers servers, ITestOutputHelper output) : StoreContract
{
    private const int Rows = 10_000;

    protected override Task<PortalStore> CreateStoreAsync() => PortalStore.PostgreSqlAsync(servers.NoTls);

    public static TheoryData<DestinationSortColumn, string> Sorts => new()
    {
        { DestinationSortColumn.Name, "IX_Destinations_NameKey_Id" },
        { DestinationSortColumn.Server, "IX_Destinations_ServerNameKey_Port_Id" },
        { DestinationSortColumn.Database, "IX_Destinations_DatabaseKey_Id" },
        { DestinationSortColumn.Type, "IX_Destinations_TypeId_Id" },
        { DestinationSortColumn.TlsMode, "IX_Destinations_TlsMode_Id" },
        { DestinationSortColumn.UpdatedAt, "IX_Destinations_UpdatedAtUtc_Id" },
        { DestinationSortColumn.LastTest, "IX_Destinations_LastTestOrder" },
    };

    // One test for all sorts and both directions: xunit builds the class per case, and 10,000 rows per case would
    // cost more than every plan together.
    [Fact]
    public async Task ListQuery_SortedPageAt10000_IsReadInIndexOrderWithoutSorting()
    {
        await SeedAsync();
        await using var db = await Instance.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

        var wrong = new List<string>();
        foreach (var row in Sorts)
        {
            var (column, index) = ((DestinationSortColumn)row[0], (string)row[1]);
            foreach (var descending in new[] { false, true })
            {
                var plan = await ExplainAsync(db, DestinationListing.Sort(db.Destinations, column, descending).Skip(25).Take(25));
                output.WriteLine($"{column}{(descending ? " descending" : "")}:\n{plan}\n");
                if (!plan.Contains(index, StringComparison.Ordinal) || plan.Contains("Sort", StringComparison.Ordinal))
                {
                    wrong.Add($"{column}{(descending ? " descending" : "")}:\n{plan}");
                }
            }
        }

        Assert.True(wrong.Count == 0, "Plans that do not read the sort's index in order:\n" + string.Join("\n\n", wrong));
    }

    private async Task SeedAsync()
    {
        var day = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        await using (var db = await Instance.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            for (var i = 0; i < Rows; i++)
            {
                var destination = new Destination { Id = Guid.CreateVersion7(), CreatedBy = "alice", UpdatedBy = "alice", Version = Guid.NewGuid() };
                destination.Apply(Definition($"dest-{i:D5}", $"pg-{i % 97}.example", $"db{i % 13}", (TlsMode)(i % 3), 5432 + i % 5));
                destination.UpdatedAtUtc = day.AddMinutes(i * 7 % Rows);
                if (i % 4 != 0)
                {
                    destination.RecordTest(i % 3 == 0 ? LastTestStatus.Failed : LastTestStatus.Passed, day.AddSeconds(i * 13 % Rows));
                }

                db.Destinations.Add(destination);
            }

            await db.SaveChangesAsync();
        }

        await using var connection = new NpgsqlConnection(Store.ConnectionString);
        await connection.OpenAsync();
        await using var analyze = new NpgsqlCommand("""ANALYZE "Destinations";""", connection);
        await analyze.ExecuteNonQueryAsync();
    }

    /// <summary>PostgreSQL's EXPLAIN for the SQL EF generates, its parameters bound as EF binds them.</summary>
    private static async Task<string> ExplainAsync<T>(PortalDbContext db, IQueryable<T> query)
    {
        using var command = query.CreateDbCommand();
        command.CommandText = "EXPLAIN " + command.CommandText;
        await db.Database.OpenConnectionAsync();
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(0));
        }

        return string.Join('\n', plan);
    }
}
