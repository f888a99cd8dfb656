using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.Localization;
using DestinationPortal.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DestinationPortal.Core.Access;

/// <summary>Personal API tokens: issue (shown once), list, revoke, and check a presented token.</summary>
public sealed class ApiTokenService(
    IDbContextFactory<PortalDbContext> dbFactory,
    IWriteGate writeGate,
    AuditLog audit,
    TimeProvider clock)
{
    public const string TokenPrefix = "dpt_";
    public const int MaxNameLength = 100;
    public const int MaxLifetimeDays = 366;

    // Last-use stamps are written at most this often per token, so a busy script does not queue a write per request.
    private static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

    /// <summary>Null when <paramref name="name"/> (trimmed) is a usable token name, else what is wrong with it.</summary>
    public static string? NameProblem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        name = name.Trim();
        return name.Length is 0 or > MaxNameLength
            ? ValidationText.Text("Token.NameLength", MaxNameLength)
            : Destinations.FieldRules.DisplayName(FieldText.Text("Field.TokenName"), name, MaxNameLength);
    }

    /// <summary>Issues a token for the signed-in user; <paramref name="userId"/> is theirs (the caller resolves it).</summary>
    public async Task<IssuedApiToken> IssueAsync(string userId, string userName, string name, int lifetimeDays, CancellationToken cancellationToken = default)
    {
        name = name.Trim();
        if (NameProblem(name) is { } problem)
        {
            throw new ArgumentException(problem, nameof(name));
        }

        if (lifetimeDays is < 1 or > MaxLifetimeDays)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetimeDays), ValidationText.Text("Token.Lifetime", MaxLifetimeDays));
        }

        var token = TokenPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow().UtcDateTime;
        var entity = new ApiToken
        {
            Id = Guid.CreateVersion7(),
            UserId = userId,
            Name = name,
            TokenHash = Hash(token),
            Prefix = token[..(TokenPrefix.Length + 6)],
            CreatedAtUtc = now,
            ExpiresAtUtc = now.AddDays(lifetimeDays),
        };

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.ApiTokens.Add(entity);
        db.AuditEntries.Add(audit.Entry(AuditActions.TokenCreated, userName: userName, details: string.Create(CultureInfo.InvariantCulture, $"token \"{name}\" ({entity.Prefix}…) for {userName}, expires {entity.ExpiresAtUtc:yyyy-MM-dd}")));
        await db.SaveChangesAsync(cancellationToken);
        return new IssuedApiToken(entity.Id, name, token, entity.ExpiresAtUtc);
    }

    public async Task<IReadOnlyList<ApiTokenSummary>> ListAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ApiTokens.AsNoTracking()
            .Where(t => t.UserId == userId)
            .OrderByDescending(t => t.CreatedAtUtc)
            .Select(t => new ApiTokenSummary(t.Id, t.Name, t.Prefix, t.CreatedAtUtc, t.ExpiresAtUtc, t.LastUsedAtUtc, t.RevokedAtUtc))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Revokes one of <paramref name="userId"/>'s tokens; false when there is no such active token.</summary>
    public async Task<bool> RevokeAsync(string userId, Guid tokenId, CancellationToken cancellationToken = default)
    {
        // Held from the check to the save: two revocations at once write one audit row, not two.
        using var _ = await writeGate.EnterAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == tokenId && t.UserId == userId && t.RevokedAtUtc == null, cancellationToken);
        if (token is null)
        {
            return false;
        }

        token.RevokedAtUtc = clock.GetUtcNow().UtcDateTime;
        db.AuditEntries.Add(audit.Entry(AuditActions.TokenRevoked, details: $"token \"{token.Name}\" ({token.Prefix}…)"));
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// The user a presented token belongs to, or null when the token is unknown, revoked or expired or its user is
    /// disabled. Token and user are read together, in one query, on every request: nothing is cached, so a revocation,
    /// a disabled user or a new role shows at the very next request.
    /// </summary>
    public async Task<PortalUser?> AuthenticateAsync(string presented, CancellationToken cancellationToken = default)
    {
        if (!presented.StartsWith(TokenPrefix, StringComparison.Ordinal) || presented.Length > 200)
        {
            return null;
        }

        var hash = Hash(presented);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var found = await db.ApiTokens.Where(t => t.TokenHash == hash)
            .Join(db.Users, t => t.UserId, u => u.Id, (t, u) => new { Token = t, User = u })
            .SingleOrDefaultAsync(cancellationToken);
        if (found is null || found.Token.RevokedAtUtc is not null || found.Token.ExpiresAtUtc <= now || found.User.IsDisabled)
        {
            return null;
        }

        if (found.Token.LastUsedAtUtc is null || now - found.Token.LastUsedAtUtc >= LastUseResolution)
        {
            found.Token.LastUsedAtUtc = now;
            await db.SaveChangesAsync(cancellationToken);
        }

        return found.User;
    }

    internal static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
