using DestinationPortal.Core.Destinations;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>Maps a server ErrorResponse (SQLSTATE first, the English message only to tell pg_hba cases apart) to advice.</summary>
internal static class ServerErrors
{
    public static (ConnectionTestCategory Category, string? Field, string Explanation) Classify(
        string sqlState, string message, bool encrypted, string username, string database) => sqlState switch
    {
        "28P01" => (ConnectionTestCategory.Authentication, nameof(DestinationInput.Password),
            $"Password authentication failed for user {username}: the password is wrong, or the user does not exist (the server does not say which)."),
        "28000" when !encrypted && message.Contains("no encryption", StringComparison.Ordinal) => (ConnectionTestCategory.Authentication, nameof(DestinationInput.TlsMode),
            "The server accepts this user only over TLS (hostssl in pg_hba.conf). Choose TLS Mode Require or stricter."),
        "28000" when message.Contains("rejects", StringComparison.Ordinal) => (ConnectionTestCategory.Authentication, nameof(DestinationInput.Username),
            $"The server's pg_hba.conf rejects user {username} from this portal's address for database {database}."),
        "28000" => (ConnectionTestCategory.Authentication, nameof(DestinationInput.Username),
            $"The server's pg_hba.conf has no entry for user {username} from this portal's address for database {database}."),
        "3D000" => (ConnectionTestCategory.Database, nameof(DestinationInput.Database), $"Database {database} does not exist on this server."),
        "42501" => (ConnectionTestCategory.Permissions, nameof(DestinationInput.Username), $"User {username} may not connect to database {database} (no CONNECT privilege)."),
        "53300" => (ConnectionTestCategory.Database, null, "The server has no free connection slots (too many connections)."),
        _ when sqlState.StartsWith("57P", StringComparison.Ordinal) => (ConnectionTestCategory.Database, null, "The server is starting up, shutting down or not accepting connections."),
        _ => (ConnectionTestCategory.Database, null, $"The server refused the connection: {message}"),
    };
}
