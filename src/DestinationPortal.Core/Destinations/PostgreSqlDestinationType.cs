namespace DestinationPortal.Core.Destinations;

/// <summary>
/// The one destination type: every destination is a PostgreSQL server, and these are a new destination's defaults.
/// There is deliberately no plug-in seam for types until a second one exists (docs/decisions.md).
/// </summary>
public static class PostgreSqlDestinationType
{
    /// <summary>The only value Type accepts (stored and in JSON).</summary>
    public const string Id = "postgresql";

    public const string DisplayName = "PostgreSQL";
    public const int DefaultPort = 5432;
    public const int DefaultTimeoutSeconds = 10;
    public const string DefaultKerberosServiceName = "postgres";
}
