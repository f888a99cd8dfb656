using System.Text.RegularExpressions;

namespace DestinationPortal.Core.Persistence;

/// <summary>
/// The rights of the role the portal runs as on a shared PostgreSQL store, when an owner role migrates (decision
/// "Database roles"). The owner can disable the audit triggers; the portal role cannot (only an owner may ALTER a
/// table), and it has no right to rewrite or empty the audit trail at all: no UPDATE and no TRUNCATE on it. It keeps
/// DELETE there because audit retention purges old rows, and the table's trigger still refuses every delete outside
/// the purge window (rows older than one day, inside the purge's own transaction).
/// </summary>
public static partial class PortalRoleGrants
{
    /// <summary>The statements, for one role, in the current schema; the README shows the same script for role "portal".</summary>
    public static string Script(string role)
    {
        if (!IsPlainRoleName(role))
        {
            throw new ArgumentException("Not a plain role name.", nameof(role));
        }

        var r = "\"" + role + "\"";
        return $"""
            GRANT USAGE ON SCHEMA public TO {r};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r};
            GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {r};
            REVOKE UPDATE, TRUNCATE ON "AuditEntries" FROM {r};
            REVOKE INSERT, DELETE, TRUNCATE ON "AuditPurgeWindow" FROM {r};
            REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "__EFMigrationsHistory" FROM {r};
            """;
    }

    public static bool IsPlainRoleName(string role) => PlainName().IsMatch(role);

    // Quoting alone would do for SQL, but a plain name keeps the GRANT script copyable and the setting unsurprising.
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex PlainName();
}
