using System.Net;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.Persistence;
using DestinationPortal.IntegrationTests.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.IntegrationTests.Access;

/// <summary>
/// The CSV export's time range: the Audit page sends the viewer's local days as UTC instants ("…T23:00:00Z"), and a
/// bare date still means that UTC day, as it did before the page spoke local time, so existing scripts keep working.
/// </summary>
public sealed class AuditExportApiTests : IAsyncLifetime
{
    private readonly PortalApp _app = new();

    public Task InitializeAsync() => _app.WithScopeAsync(async s =>
    {
        await using var db = await s.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        db.AuditEntries.AddRange(
            Row(new DateTime(2026, 11, 30, 22, 30, 0, DateTimeKind.Utc), "november-in-berlin"),
            Row(new DateTime(2026, 11, 30, 23, 30, 0, DateTimeKind.Utc), "december-in-berlin"),
            Row(new DateTime(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc), "midday-utc"));
        return await db.SaveChangesAsync();
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static AuditEntry Row(DateTime at, string name) => new()
    {
        AtUtc = at,
        UserName = "seeded",
        SourceAddress = "192.0.2.10",
        Action = AuditActions.DestinationCreated,
        Outcome = AuditOutcomes.Succeeded,
        DestinationName = name,
    };

    private async Task<string> ExportAsync(string query)
    {
        using var client = await _app.TokenClientAsync();
        using var response = await client.GetAsync("/api/audit/export.csv?user=seeded&" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task Export_UtcInstants_FilterToTheInstant()
    {
        // 1 December in Berlin (UTC+1), as the Audit page writes it.
        var csv = await ExportAsync("from=2026-11-30T23:00:00Z&to=2026-12-01T23:00:00Z");

        Assert.Contains("december-in-berlin", csv, StringComparison.Ordinal);
        Assert.Contains("midday-utc", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("november-in-berlin", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_BareDates_AreUtcDaysAsBefore()
    {
        var csv = await ExportAsync("from=2026-12-01&to=2026-12-02");

        Assert.Contains("midday-utc", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("december-in-berlin", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("november-in-berlin", csv, StringComparison.Ordinal);
        Assert.StartsWith("TimeUtc,", csv, StringComparison.Ordinal);
    }
}
