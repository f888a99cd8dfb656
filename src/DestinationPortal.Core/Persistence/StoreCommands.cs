using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DestinationPortal.Core.Persistence;

/// <summary>
/// The operator's commands: <c>DestinationPortal.Web migrate</c> (a deploy step, typically as the tables' owner) and
/// <c>DestinationPortal.Web copy-to-postgres --from &lt;data directory&gt;</c> (moving an embedded portal onto a shared
/// store). Their output is for a console or a deploy log: English, counts and names, never a connection string.
/// </summary>
public static class StoreCommands
{
    public const string Migrate = "migrate";
    public const string CopyToPostgres = "copy-to-postgres";

    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is Migrate or CopyToPostgres;

    /// <summary>Runs the command in <paramref name="args"/>; 0 when it did its work, 1 when it refused or failed (the reason on <paramref name="error"/>).</summary>
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        try
        {
            var options = services.GetRequiredService<IOptions<PortalOptions>>().Value;
            if (args[0] == Migrate)
            {
                await MigrateAsync(services, options, output, cancellationToken);
                return 0;
            }

            if (args is not [_, "--from", { Length: > 0 } from])
            {
                await error.WriteLineAsync("Usage: DestinationPortal.Web copy-to-postgres --from <data directory of the SQLite portal>");
                return 1;
            }

            return await new StoreCopy(services, options, output, error).RunAsync(from, cancellationToken) ? 0 : 1;
        }
        catch (Exception e) when (e is OptionsValidationException or NpgsqlException or InvalidOperationException or DbUpdateException or IOException or UnauthorizedAccessException)
        {
            // The message only: Npgsql's messages name the host and database at most, never the password.
            await error.WriteLineAsync($"{args[0]} failed: {e.GetType().Name}: {e.Message}");
            return 1;
        }
    }

    private static async Task MigrateAsync(IServiceProvider services, PortalOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        if (!options.UsesPostgreSql)
        {
            // The embedded store migrates on every start anyway; the command exists so a deploy script need not care.
            await services.InitializePortalDatabaseAsync(cancellationToken);
            await output.WriteLineAsync($"The SQLite store in {options.DataDirectory} is up to date.");
            return;
        }

        // The start-up lock: a portal instance starting meanwhile waits, and so does a second migrate.
        using var locks = PostgresSessionLock.CreateDataSource(options.Database.ConnectionString!);
        await using var startup = await PostgresSessionLock.AcquireAsync(locks, PostgresSessionLock.StartupKey, cancellationToken);
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await db.Database.MigrateAsync(cancellationToken);
        await output.WriteLineAsync(pending.Count == 0
            ? "The PostgreSQL store is up to date (no pending migrations)."
            : $"Applied {pending.Count} migration(s) to the PostgreSQL store: {string.Join(", ", pending)}.");

        if (options.Database.PortalRole is { Length: > 0 } role)
        {
            await db.Database.ExecuteSqlRawAsync(PortalRoleGrants.Script(role), cancellationToken);
            await output.WriteLineAsync($"Granted role {role} the portal's rights (no UPDATE or TRUNCATE on the audit trail).");
        }
    }
}
