using DestinationPortal.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DestinationPortal.Core.Auditing;

/// <summary>
/// Writes audit rows. A change and its row are saved together where the change is a portal write (add the
/// <see cref="Entry"/> to the same DbContext), so there is exactly one row per change and none for a change that
/// failed; <see cref="WriteAsync"/> is for events with nothing else to save (sign-in, denied access).
/// </summary>
public sealed class AuditLog(IDbContextFactory<PortalDbContext> dbFactory, ICurrentUser currentUser, TimeProvider clock)
{
    public const int MaxDetailsLength = 500;

    /// <summary>A row stamped with now, the current user and their address. <paramref name="userName"/> overrides the user for sign-in events.</summary>
    public AuditEntry Entry(
        string action,
        string outcome = AuditOutcomes.Succeeded,
        Guid? destinationId = null,
        string? destinationName = null,
        string? target = null,
        IEnumerable<string>? changedFields = null,
        string? details = null,
        string? userName = null) => new()
        {
            AtUtc = clock.GetUtcNow().UtcDateTime,
            UserName = Truncate(userName ?? currentUser.Name, 256),
            SourceAddress = currentUser.SourceAddress ?? "unknown",
            Action = action,
            Outcome = outcome,
            DestinationId = destinationId,
            DestinationName = destinationName,
            Target = target,
            ChangedFields = changedFields is null ? null : string.Join(", ", changedFields),
            Details = details is null ? null : Truncate(details, MaxDetailsLength),
        };

    public async Task WriteAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.AuditEntries.Add(entry);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
