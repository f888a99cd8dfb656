using DestinationPortal.Core.Secrets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace DestinationPortal.Core.Persistence;

/// <summary>
/// Once per database: passwords saved before they were bound to their target are re-encrypted bound to the target
/// their destination holds now, the one they were already trusted for. Runs at start-up, before anything can read them.
/// </summary>
internal static class PasswordBindingMigration
{
    /// <summary>The number of passwords rebound.</summary>
    public static async Task<int> BindUnboundPasswordsAsync(PortalDbContext db, SecretProtector secrets, ILogger logger, CancellationToken cancellationToken)
    {
        var ids = await UnboundIdsAsync(db, cancellationToken);
        if (ids.Count == 0)
        {
            return 0;
        }

        var unbound = await db.Destinations.Where(d => ids.Contains(d.Id)).ToListAsync(cancellationToken);
        var unreadable = 0;
        foreach (var destination in unbound)
        {
            if (secrets.TryUnprotectUnbound(destination.ProtectedPassword!) is { } plaintext)
            {
                destination.ProtectedPassword = secrets.ProtectFor(plaintext, destination.ToDefinition());
            }
            else
            {
                // Left as it is: nothing will ever send it, the screens ask for the password again, and a restored
                // key ring lets a later start rebind it.
                unreadable++;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        if (unbound.Count > 0)
        {
            logger.LogInformation(
                "Bound {Rebound} stored destination passwords to their saved targets; {Unreadable} could not be decrypted with this key ring and stay unusable until typed again.",
                unbound.Count - unreadable, unreadable);
        }

        return unbound.Count - unreadable;
    }

    /// <summary>
    /// The destinations whose stored password is not bound yet: none on every start but the first after the upgrade.
    /// A plain statement on both stores, because compiling it as an EF query cost about half a second of each start
    /// (issue 16) to find nothing.
    /// </summary>
    private static Task<List<Guid>> UnboundIdsAsync(PortalDbContext db, CancellationToken cancellationToken) =>
        PlainStatements.ColumnAsync(
            db,
            $"""SELECT "Id" FROM "Destinations" WHERE "ProtectedPassword" IS NOT NULL AND substr("ProtectedPassword", 1, {SecretProtector.BoundPrefix.Length}) <> '{SecretProtector.BoundPrefix}'""",
            // SQLite stores the id as text, PostgreSQL as uuid.
            value => value is Guid id ? id : Guid.Parse((string)value),
            cancellationToken);
}
