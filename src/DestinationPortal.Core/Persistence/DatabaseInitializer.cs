using DestinationPortal.Core.Secrets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Core.Persistence;

public static class DatabaseInitializer
{
    /// <summary>
    /// SQLite: creates the data directory, applies pending migrations and makes sure the database runs in WAL mode.
    /// PostgreSQL: applies pending migrations (or, with <see cref="PortalDatabaseOptions.MigrateOnStart"/> off, refuses a
    /// database that is behind). On a shared store, call it inside <see cref="PortalStartup.StartPortalStoreAsync"/>'s
    /// lock so that instances starting together migrate once.
    /// </summary>
    public static async Task InitializePortalDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var options = services.GetRequiredService<IOptions<PortalOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseInitializer).FullName!);
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(cancellationToken);
        if (options.UsesPostgreSql)
        {
            await MigratePostgreSqlAsync(db, options.Database, cancellationToken);
            await PasswordBindingMigration.BindUnboundPasswordsAsync(db, services.GetRequiredService<SecretProtector>(), logger, cancellationToken);
            return;
        }

        PrepareDataDirectory(options);

        // EF's SQLite migration lock is a row that survives a crash; a stale one makes Migrate wait forever
        // (efcore #38958). Bound the wait and say what to do instead of hanging the start-up.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            if (await HasPendingSqliteMigrationsAsync(db, cancellationToken))
            {
                await db.Database.MigrateAsync(timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException(
                $"Applying database migrations to {options.DatabasePath} did not finish within 2 minutes. If a previous start crashed while migrating, " +
                "stop the portal, back up the database, and delete the row in its __EFMigrationsLock table.");
        }

        // New EF databases start in WAL, but not on every path (efcore #36369), and WAL is refused on some
        // network file systems. The setting is persistent, so asking once per start is enough.
        // A plain command: through EF's SqlQueryRaw, compiling this one statement cost 0.2 s of every start.
        var mode = await PlainStatements.ScalarAsync(db, "PRAGMA journal_mode=WAL", cancellationToken) as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            logger.LogWarning(
                "SQLite refused WAL journal mode for {DatabasePath} (it reports {JournalMode}); readers will block writers. Keep the data directory on a local disk.",
                options.DatabasePath, mode);
        }

        await PasswordBindingMigration.BindUnboundPasswordsAsync(db, services.GetRequiredService<SecretProtector>(), logger, cancellationToken);

        logger.LogInformation("Portal data directory: {DataDirectory}", Path.GetFullPath(options.DataDirectory));
    }

    /// <summary>
    /// True when the code knows a migration the database's history lacks (or there is no history yet). Migrate answers the
    /// same question, but first takes EF's migration lock and builds its migrator: about half a second of every start
    /// (issue 16), when almost every start finds nothing to do. Anything pending still goes through Migrate, lock and all.
    /// </summary>
    private static async Task<bool> HasPendingSqliteMigrationsAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        if (await PlainStatements.ScalarAsync(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsHistory'", cancellationToken) is null)
        {
            return true;
        }

        var applied = (await PlainStatements.ColumnAsync(db, "SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\"", value => (string)value, cancellationToken))
            .ToHashSet(StringComparer.Ordinal);
        return db.Database.GetMigrations().Any(id => !applied.Contains(id));
    }

    private static async Task MigratePostgreSqlAsync(PortalDbContext db, PortalDatabaseOptions options, CancellationToken cancellationToken)
    {
        if (options.MigrateOnStart)
        {
            await db.Database.MigrateAsync(cancellationToken);
            return;
        }

        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            throw new InvalidOperationException(
                $"The portal's PostgreSQL database lacks {pending.Count} migration(s) ({string.Join(", ", pending)}) and Portal:Database:MigrateOnStart is false. " +
                "Run the deploy step 'DestinationPortal.Web migrate' with this configuration first.");
        }
    }

    private static void PrepareDataDirectory(PortalOptions options)
    {
        var directory = Directory.CreateDirectory(Path.GetFullPath(options.DataDirectory));
        Directory.CreateDirectory(options.KeyRingDirectory);
        if (!OperatingSystem.IsWindows())
        {
            // The key ring decrypts every stored password: only the portal's own account may read it.
            const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            File.SetUnixFileMode(directory.FullName, ownerOnly);
            File.SetUnixFileMode(options.KeyRingDirectory, ownerOnly);
        }
    }
}
