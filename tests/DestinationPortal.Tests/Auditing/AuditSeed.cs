using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.Persistence;
using DestinationPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DestinationPortal.Tests.Auditing;

/// <summary>Audit rows written straight to the database, as the portal's writers would have stored them.</summary>
public static class AuditSeed
{
    public static AuditEntry Row(string action, DateTime atUtc, string outcome = AuditOutcomes.Succeeded, string? destinationName = null, string user = "alice") => new()
    {
        AtUtc = atUtc,
        UserName = user,
        SourceAddress = "192.0.2.10",
        Action = action,
        Outcome = outcome,
        DestinationName = destinationName,
    };

    public static async Task AddAsync(RunningPortal session, params AuditEntry[] rows)
    {
        await using var db = await session.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        db.AuditEntries.AddRange(rows);
        await db.SaveChangesAsync();
    }
}
