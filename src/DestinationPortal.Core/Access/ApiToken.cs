namespace DestinationPortal.Core.Access;

/// <summary>A personal API token. Only its SHA-256 hash is stored; the token itself is shown once, at creation.</summary>
public sealed class ApiToken
{
    public Guid Id { get; set; }

    public string UserId { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>Lower-case hex SHA-256 of the token. The token carries 256 random bits, so a fast hash is enough.</summary>
    public string TokenHash { get; set; } = "";

    /// <summary>The first characters of the token, so a user can tell their tokens apart in the list.</summary>
    public string Prefix { get; set; } = "";

    public DateTime CreatedAtUtc { get; set; }

    public DateTime ExpiresAtUtc { get; set; }

    public DateTime? LastUsedAtUtc { get; set; }

    public DateTime? RevokedAtUtc { get; set; }
}

public sealed record ApiTokenSummary(Guid Id, string Name, string Prefix, DateTime CreatedAtUtc, DateTime ExpiresAtUtc, DateTime? LastUsedAtUtc, DateTime? RevokedAtUtc)
{
    public bool IsActive(DateTime nowUtc) => RevokedAtUtc is null && ExpiresAtUtc > nowUtc;
}

/// <summary>A token as issued: <see cref="Token"/> is shown once and never again.</summary>
public sealed record IssuedApiToken(Guid Id, string Name, string Token, DateTime ExpiresAtUtc);
