using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.Core.Persistence;

/// <summary>
/// <c>copy-to-postgres</c>: moves an embedded portal (its SQLite file and key ring folder) into an empty PostgreSQL store,
/// keeping every id and row version, so destinations, their history, users, tokens, the audit trail and every stored
/// password (protected under the copied key ring, bound to the kept ids) work there unchanged. All rows and keys go in
/// one transaction: a failed copy leaves the target empty and can simply be run again.
/// </summary>
internal sealed class StoreCopy(IServiceProvider services, PortalOptions target, TextWriter output, TextWriter error)
{
    /// <summary>Every table that holds portal data; the target must have none of it (AuditPurgeWindow's fixed row is schema).</summary>
    private static readonly string[] DataTables =
    [
        "AspNetUsers", "AspNetUserClaims", "AspNetUserLogins", "AspNetUserTokens", "ApiTokens", "Destinations", "TestRuns",
        "AuditEntries", KeyRingDbContext.TableName,
    ];

    public async Task<bool> RunAsync(string from, CancellationToken cancellationToken)
    {
        if (!target.UsesPostgreSql)
        {
            await error.WriteLineAsync("copy-to-postgres copies into the configured PostgreSQL store: set Portal:Database:Provider to PostgreSql and Portal:Database:ConnectionString.");
            return false;
        }

        var source = new PortalOptions { DataDirectory = from };
        if (!File.Exists(source.DatabasePath))
        {
            await error.WriteLineAsync($"No SQLite portal in {Path.GetFullPath(from)}: {source.DatabasePath} does not exist.");
            return false;
        }

        var keyFiles = Directory.Exists(source.KeyRingDirectory) ? Directory.GetFiles(source.KeyRingDirectory, "*.xml") : [];

        // Under the start-up lock: a portal instance started on the target meanwhile waits, then finds the copied data
        // (and its administrators and keys) instead of creating its own.
        using var locks = PostgresSessionLock.CreateDataSource(target.Database.ConnectionString!);
        await using var startup = await PostgresSessionLock.AcquireAsync(locks, PostgresSessionLock.StartupKey, cancellationToken);

        await using var sqlite = OpenSource(source);
        var behind = (await sqlite.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (behind.Count > 0)
        {
            await error.WriteLineAsync(
                $"The SQLite portal in {source.DataDirectory} lacks {behind.Count} migration(s) of this version ({string.Join(", ", behind)}). " +
                $"Run 'DestinationPortal.Web migrate' with Portal:DataDirectory={source.DataDirectory} (and no database provider set) first.");
            return false;
        }

        await using var to = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(cancellationToken);
        await to.Database.MigrateAsync(cancellationToken);
        var present = await CountsAsync(to, cancellationToken);
        if (present.Values.Any(n => n > 0))
        {
            await error.WriteLineAsync(
                "The PostgreSQL store is not empty (" + Describe(present) + "). copy-to-postgres only fills an empty store; nothing was copied.");
            return false;
        }

        if (keyFiles.Length == 0 && await sqlite.Destinations.AnyAsync(d => d.ProtectedPassword != null, cancellationToken))
        {
            await error.WriteLineAsync($"No key ring in {source.KeyRingDirectory}, but destinations have stored passwords that only it can decrypt; nothing was copied.");
            return false;
        }

        await using (var transaction = await to.Database.BeginTransactionAsync(cancellationToken))
        {
            await CopyAsync(sqlite.Users.AsNoTracking(), to, u => u.LockoutEnd = u.LockoutEnd?.ToUniversalTime(), cancellationToken);
            await CopyAsync(sqlite.UserClaims.AsNoTracking(), to, null, cancellationToken);
            await CopyAsync(sqlite.UserLogins.AsNoTracking(), to, null, cancellationToken);
            await CopyAsync(sqlite.UserTokens.AsNoTracking(), to, null, cancellationToken);
            await CopyAsync(sqlite.ApiTokens.AsNoTracking(), to, null, cancellationToken);
            await CopyAsync(sqlite.Destinations.AsNoTracking(), to, null, cancellationToken);
            await CopyAsync(sqlite.TestRuns.AsNoTracking().OrderBy(r => r.StartedAtUtc), to, null, cancellationToken);
            await CopyAsync(sqlite.AuditEntries.AsNoTracking().OrderBy(e => e.Id), to, null, cancellationToken);
            foreach (var file in keyFiles.Order(StringComparer.Ordinal))
            {
                // The name the EF key repository gives a key (key-<id>), as the file system repository named its file.
                var name = Path.GetFileNameWithoutExtension(file);
                var xml = await File.ReadAllTextAsync(file, cancellationToken);
                await to.Database.ExecuteSqlAsync($"INSERT INTO \"DataProtectionKeys\" (\"FriendlyName\", \"Xml\") VALUES ({name}, {xml})", cancellationToken);
            }

            await RestartIdentitiesAsync(to, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await output.WriteLineAsync($"Copied the SQLite portal in {source.DataDirectory} into the PostgreSQL store: {Describe(await CountsAsync(to, cancellationToken))}.");
        return true;
    }

    private static PortalDbContext OpenSource(PortalOptions source)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        PortalCoreServiceCollectionExtensions.UseStore(options, source);
        return new PortalDbContext(options.Options, new SqliteWriteGate());
    }

    // In chunks, so a long audit trail is not tracked all at once; all inside the caller's transaction.
    private static async Task CopyAsync<T>(IQueryable<T> rows, PortalDbContext to, Action<T>? adjust, CancellationToken cancellationToken)
        where T : class
    {
        const int chunk = 1000;
        var pending = 0;
        await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            adjust?.Invoke(row);
            to.Add(row);
            if (++pending == chunk)
            {
                await to.SaveChangesAsync(cancellationToken);
                to.ChangeTracker.Clear();
                pending = 0;
            }
        }

        await to.SaveChangesAsync(cancellationToken);
        to.ChangeTracker.Clear();
    }

    // Rows came with their ids; the identity sequences must continue after them, or the next insert would collide.
    private static async Task RestartIdentitiesAsync(PortalDbContext to, CancellationToken cancellationToken)
    {
        var identities = await to.Database.SqlQueryRaw<IdentityColumn>(
            "SELECT table_name AS \"Table\", column_name AS \"Column\" FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'")
            .ToListAsync(cancellationToken);
        foreach (var identity in identities)
        {
            // Names from the catalog, not from input; quoted as identifiers all the same.
            var table = "\"" + identity.Table.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            var column = "\"" + identity.Column.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            var restart = "SELECT setval(pg_get_serial_sequence({0}, {1}), COALESCE(MAX(" + column + "), 0) + 1, false) FROM " + table;
            await to.Database.ExecuteSqlRawAsync(restart, [table, identity.Column], cancellationToken);
        }
    }

    private static async Task<Dictionary<string, long>> CountsAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>();
        foreach (var table in DataTables)
        {
            var count = "SELECT count(*) AS \"Value\" FROM \"" + table + "\"";
            counts[table] = await db.Database.SqlQueryRaw<long>(count).SingleAsync(cancellationToken);
        }

        return counts;
    }

    private static string Describe(Dictionary<string, long> counts) =>
        string.Join(", ", counts.Select(c => $"{c.Value} {Label(c.Key)}"));

    private static string Label(string table) => table switch
    {
        "AspNetUsers" => "users",
        "AspNetUserClaims" => "user claims",
        "AspNetUserLogins" => "user logins",
        "AspNetUserTokens" => "user tokens",
        "ApiTokens" => "API tokens",
        "Destinations" => "destinations",
        "TestRuns" => "test runs",
        "AuditEntries" => "audit rows",
        _ => "Data Protection keys",
    };

    private sealed class IdentityColumn
    {
        public string Table { get; set; } = "";

        public string Column { get; set; } = "";
    }
}
