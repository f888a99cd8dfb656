using System.ComponentModel.DataAnnotations;

namespace DestinationPortal.Core.Persistence;

/// <summary>Where the portal keeps its data.</summary>
public enum PortalDatabaseProvider
{
    /// <summary>The embedded default: one file in the data directory, one portal instance.</summary>
    Sqlite,

    /// <summary>A shared PostgreSQL database: several instances behind a load balancer (docs/scale-out.md).</summary>
    PostgreSql,
}

/// <summary>The <c>Portal:Database</c> section (environment: <c>Portal__Database__Provider</c>, <c>Portal__Database__ConnectionString</c>).</summary>
public sealed class PortalDatabaseOptions : IValidatableObject
{
    public PortalDatabaseProvider Provider { get; set; } = PortalDatabaseProvider.Sqlite;

    /// <summary>
    /// The PostgreSQL connection string (Npgsql's format). It holds the database password: give it through the environment
    /// or a secret store, never in a committed file. Never logged, never shown.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Apply pending migrations when the portal starts (under a lock, so instances starting together migrate once). Off for
    /// operators who migrate in a deploy step with <c>DestinationPortal.Web migrate</c>; the portal then refuses to start
    /// on a database that is behind.
    /// </summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>
    /// Optional, PostgreSQL only: the role the portal runs as when it is not the tables' owner (README, "Database roles").
    /// After applying migrations, the <c>migrate</c> command grants this role exactly the rights the portal needs
    /// (<see cref="PortalRoleGrants"/>), so tables added by later migrations are covered by the same deploy step.
    /// </summary>
    public string? PortalRole { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // The messages never repeat the connection string: it carries a password.
        if (Provider == PortalDatabaseProvider.PostgreSql && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult(
                "Portal:Database:Provider is PostgreSql, so Portal:Database:ConnectionString must be set (Host=…;Database=…;Username=…).",
                [nameof(ConnectionString)]);
        }
        else if (Provider == PortalDatabaseProvider.Sqlite && !string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult(
                "Portal:Database:ConnectionString is set but Portal:Database:Provider is Sqlite (the default), which keeps its database in the data directory. Set the provider to PostgreSql, or remove the connection string.",
                [nameof(ConnectionString)]);
        }
        else if (Provider == PortalDatabaseProvider.PostgreSql && !IsNpgsqlConnectionString(ConnectionString!))
        {
            yield return new ValidationResult("Portal:Database:ConnectionString is not a valid PostgreSQL connection string.", [nameof(ConnectionString)]);
        }

        if (!string.IsNullOrEmpty(PortalRole) && (Provider != PortalDatabaseProvider.PostgreSql || !PortalRoleGrants.IsPlainRoleName(PortalRole)))
        {
            yield return new ValidationResult(
                "Portal:Database:PortalRole must be a plain PostgreSQL role name (letters, digits, underscores; at most 63) and needs Portal:Database:Provider PostgreSql.",
                [nameof(PortalRole)]);
        }
    }

    private static bool IsNpgsqlConnectionString(string value)
    {
        try
        {
            return !string.IsNullOrEmpty(new Npgsql.NpgsqlConnectionStringBuilder(value).Host);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
