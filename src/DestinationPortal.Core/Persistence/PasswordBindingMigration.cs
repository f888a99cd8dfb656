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
        // Filtered in SQL so that every later start, with nothing left to bind, reads no rows.
        var unbound = await db.Destinations
            .Where(d => d.ProtectedPassword != null && !d.ProtectedPassword.StartsWith(SecretProtector.BoundPrefix))
            .ToListAsync(cancellationToken);
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
}
