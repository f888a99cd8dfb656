using System.Globalization;
using System.Text;
using DestinationPortal.Core.Access;
using DestinationPortal.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DestinationPortal.Core.Auditing;

public sealed record AuditQuery(string? UserName = null, string? Action = null, DateTime? FromUtc = null, DateTime? ToUtc = null, int Skip = 0, int Take = 50);

public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, int TotalCount);

/// <summary>Reading the audit trail: the Audit page and its CSV export. Administrators only.</summary>
public sealed class AuditTrail(IDbContextFactory<PortalDbContext> dbFactory, AccessGuard guard)
{
    public const int MaxExportRows = 100_000;

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        await guard.DemandAsync(PortalCapability.ViewAudit, "reading the audit trail", cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = Filter(db.AuditEntries.AsNoTracking(), query);
        var total = await rows.CountAsync(cancellationToken);
        var items = await rows.OrderByDescending(e => e.Id)
            .Skip(Math.Max(0, query.Skip))
            .Take(Math.Clamp(query.Take, 1, 500))
            .ToListAsync(cancellationToken);
        return new AuditPage(items, total);
    }

    public async Task<IReadOnlyList<string>> UserNamesAsync(CancellationToken cancellationToken = default)
    {
        await guard.DemandAsync(PortalCapability.ViewAudit, "reading the audit trail", cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.AuditEntries.Select(e => e.UserName).Distinct().OrderBy(n => n).Take(1000).ToListAsync(cancellationToken);
    }

    /// <summary>The filtered rows as CSV (RFC 4180), newest first, at most <see cref="MaxExportRows"/>.</summary>
    public async Task<string> ExportCsvAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        await guard.DemandAsync(PortalCapability.ViewAudit, "exporting the audit trail", cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var csv = new StringBuilder("TimeUtc,User,SourceAddress,Action,Outcome,DestinationId,DestinationName,Target,ChangedFields,Details\r\n");
        await foreach (var e in Filter(db.AuditEntries.AsNoTracking(), query).OrderByDescending(e => e.Id).Take(MaxExportRows).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            csv.AppendJoin(',', new[]
            {
                e.AtUtc.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture), e.UserName, e.SourceAddress, e.Action, e.Outcome,
                e.DestinationId?.ToString() ?? "", e.DestinationName ?? "", e.Target ?? "", e.ChangedFields ?? "", e.Details ?? "",
            }.Select(Cell)).Append("\r\n");
        }

        return csv.ToString();
    }

    private static IQueryable<AuditEntry> Filter(IQueryable<AuditEntry> rows, AuditQuery query)
    {
        if (!string.IsNullOrWhiteSpace(query.UserName))
        {
            rows = rows.Where(e => e.UserName == query.UserName.Trim());
        }

        if (!string.IsNullOrWhiteSpace(query.Action))
        {
            rows = rows.Where(e => e.Action == query.Action);
        }

        if (query.FromUtc is { } from)
        {
            rows = rows.Where(e => e.AtUtc >= from);
        }

        if (query.ToUtc is { } to)
        {
            rows = rows.Where(e => e.AtUtc < to);
        }

        return rows;
    }

    // Quoted always; a leading = + - @ is neutralised so a spreadsheet does not run a destination name as a formula.
    private static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
