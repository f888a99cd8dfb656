using System.Globalization;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.Persistence;
using DestinationPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DestinationPortal.Tests.Auditing;

/// <summary>The audit trail's CSV export: cells a spreadsheet cannot run as formulas, and the page's filters.</summary>
public sealed class AuditExportTests : IDisposable
{
    private static readonly DateTime Day = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    private readonly TestPortal _portal = new();

    public void Dispose() => _portal.Dispose();

    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example\")")]
    [InlineData("+1+cmd|' /C calc'!A0")]
    [InlineData("-2+3")]
    [InlineData("@SUM(A1:A2)")]
    public async Task Export_CellStartingWithAFormulaCharacter_IsNeutralisedWithAQuote(string hostile)
    {
        await SeedAsync(Row("alice", AuditActions.DestinationCreated, Day, destinationName: hostile));

        var csv = await ExportAsync(new AuditQuery());

        var expected = "\"'" + hostile.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        Assert.Contains(expected, csv, StringComparison.Ordinal);
        Assert.DoesNotContain(",\"" + hostile[0], csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_OrdinaryText_IsQuotedUnchanged()
    {
        await SeedAsync(Row("alice", AuditActions.DestinationCreated, Day, destinationName: "warehouse \"main\""));

        var csv = await ExportAsync(new AuditQuery());

        Assert.Contains(",\"warehouse \"\"main\"\"\",", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_Filters_ByUserActionAndTimeRange()
    {
        await SeedAsync(
            Row("alice", AuditActions.DestinationCreated, Day.AddDays(-2), "early"),
            Row("alice", AuditActions.DestinationCreated, Day, "in-range"),
            Row("alice", AuditActions.DestinationDeleted, Day, "other-action"),
            Row("bob", AuditActions.DestinationCreated, Day, "other-user"),
            Row("alice", AuditActions.DestinationCreated, Day.AddDays(2), "late"));

        var csv = await ExportAsync(new AuditQuery("alice", AuditActions.DestinationCreated, Day.AddDays(-1), Day.AddDays(1)));

        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("TimeUtc,User,", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"in-range\"", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"2026-03-01T12:00:00.000Z\",\"alice\"", lines[1], StringComparison.Ordinal);
        // Each filter alone lets the rows it does not judge through.
        Assert.Equal(5, (await ExportAsync(new AuditQuery(UserName: "alice"))).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(5, (await ExportAsync(new AuditQuery(Action: AuditActions.DestinationCreated))).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(5, (await ExportAsync(new AuditQuery(FromUtc: Day, ToUtc: Day.AddDays(3)))).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Export_UnderGermanCultureAndUi_KeepsTheUtcHeaderAndIsoTimes()
    {
        await SeedAsync(Row("alice", AuditActions.DestinationCreated, Day, "warehouse"));
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        string csv;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("de-DE");
            csv = await ExportAsync(new AuditQuery());
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }

        // The file is for machines and other time zones: the header names its zone, the times are UTC with "Z", the
        // action and outcome are the stored identifiers, whoever exports it.
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("TimeUtc,User,SourceAddress,Action,Outcome,", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("\"2026-03-01T12:00:00.000Z\",\"alice\",\"192.0.2.10\",\"destination-created\",\"Succeeded\",", lines[1], StringComparison.Ordinal);
    }

    private static AuditEntry Row(string user, string action, DateTime at, string? destinationName = null) => new()
    {
        AtUtc = at,
        UserName = user,
        SourceAddress = "192.0.2.10",
        Action = action,
        Outcome = AuditOutcomes.Succeeded,
        DestinationName = destinationName,
    };

    private async Task SeedAsync(params AuditEntry[] rows)
    {
        using var session = _portal.Start();
        await using var db = await session.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        db.AuditEntries.AddRange(rows);
        await db.SaveChangesAsync();
    }

    private async Task<string> ExportAsync(AuditQuery query)
    {
        using var session = _portal.Start();
        return await session.Get<AuditTrail>().ExportCsvAsync(query);
    }
}
