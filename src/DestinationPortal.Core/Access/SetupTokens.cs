using System.Security.Cryptography;
using System.Text;
using DestinationPortal.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DestinationPortal.Core.Access;

/// <summary>
/// Where the one-time setup token of <see cref="FirstAdministrator"/> is kept while no user exists: in the process on
/// SQLite (<see cref="InMemorySetupTokens"/>), in the shared store on PostgreSQL (<see cref="StoredSetupTokens"/>), so
/// that the token one instance printed works on the setup page of every instance.
/// </summary>
public interface ISetupTokens
{
    /// <summary>
    /// Called at start-up with no user (on a shared store under the start-up lock): the new token to print, or null when a
    /// token another instance printed is still pending and stays the one to use.
    /// </summary>
    Task<string?> IssueAsync(CancellationToken cancellationToken);

    /// <summary>True while a token is pending and no user exists.</summary>
    Task<bool> IsPendingAsync(CancellationToken cancellationToken);

    Task<bool> MatchesAsync(string presented, CancellationToken cancellationToken);

    Task ClearAsync(CancellationToken cancellationToken);
}

/// <summary>One instance: the token lives and dies with the process, so every start prints a new one.</summary>
public sealed class InMemorySetupTokens : ISetupTokens
{
    private readonly Lock _lock = new();
    private string? _token;

    public Task<string?> IssueAsync(CancellationToken cancellationToken)
    {
        var token = SetupToken.New();
        lock (_lock)
        {
            _token = token;
        }

        return Task.FromResult<string?>(token);
    }

    public Task<bool> IsPendingAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_token is not null);
        }
    }

    public Task<bool> MatchesAsync(string presented, CancellationToken cancellationToken)
    {
        string? expected;
        lock (_lock)
        {
            expected = _token;
        }

        return Task.FromResult(expected is not null && SetupToken.Same(SetupToken.Hash(presented), SetupToken.Hash(expected)));
    }

    public Task ClearAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _token = null;
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// Several instances on PostgreSQL: the one row of the "SetupToken" table holds the token's SHA-256, never the token,
/// so a copy of the store (a backup, a read-only role) cannot complete setup. A plain hash is enough: the token is 120
/// random bits, not a password a dictionary could find. The row is written only if absent, so instances that start
/// later leave the printed token valid instead of replacing it with one nobody saw.
/// </summary>
public sealed class StoredSetupTokens(IDbContextFactory<PortalDbContext> store) : ISetupTokens
{
    // Setup never comes back once a user exists, so "done" is remembered and the store is no longer asked on every page.
    private volatile bool _done;

    public async Task<string?> IssueAsync(CancellationToken cancellationToken)
    {
        var token = SetupToken.New();
        var hash = SetupToken.Hash(token);
        await using var db = await store.CreateDbContextAsync(cancellationToken);
        var written = await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO "SetupToken" ("Id", "TokenHash", "CreatedAt") VALUES (1, {hash}, now()) ON CONFLICT ("Id") DO NOTHING""", cancellationToken);
        return written == 1 ? token : null;
    }

    public async Task<bool> IsPendingAsync(CancellationToken cancellationToken)
    {
        if (_done)
        {
            return false;
        }

        await using var db = await store.CreateDbContextAsync(cancellationToken);
        var pending = await db.Database.SqlQuery<bool>(
                $"""SELECT EXISTS (SELECT 1 FROM "SetupToken") AND NOT EXISTS (SELECT 1 FROM "AspNetUsers") AS "Value" """)
            .SingleAsync(cancellationToken);
        _done = !pending;
        return pending;
    }

    public async Task<bool> MatchesAsync(string presented, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken);
        var expected = await db.Database.SqlQuery<byte[]>($"""SELECT "TokenHash" AS "Value" FROM "SetupToken" WHERE "Id" = 1""")
            .SingleOrDefaultAsync(cancellationToken);
        return expected is not null && SetupToken.Same(SetupToken.Hash(presented), expected);
    }

    public async Task ClearAsync(CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"""DELETE FROM "SetupToken" """, cancellationToken);
    }
}

internal static class SetupToken
{
    public static string New() => RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 24);

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token.Trim()));

    public static bool Same(byte[] presented, byte[] expected) => CryptographicOperations.FixedTimeEquals(presented, expected);
}
