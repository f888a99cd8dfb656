using DestinationPortal.Core.Destinations;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// Maps a server ErrorResponse (SQLSTATE first, the English message only to tell pg_hba cases apart) to advice. Advice
/// blames a form field only where what the run observed supports it: TLS Mode is named for a pg_hba refusal of an
/// unencrypted connection only when the server was seen to offer TLS.
/// </summary>
internal static class ServerErrors
{
    // serverOffersTls: the server's answer to SSLRequest during this run; null when it was not asked.
    public static (ConnectionTestCategory Category, DestinationField? Field, string Explanation) Classify(
        string sqlState, string message, bool encrypted, bool? serverOffersTls, string username, string database) => sqlState switch
    {
        "28P01" => (ConnectionTestCategory.Authentication, DestinationField.Password,
            $"Password authentication failed for user {username}: the password is wrong, or the user does not exist (the server does not say which)."),
        "28000" when !encrypted && serverOffersTls == true && message.Contains("no encryption", StringComparison.Ordinal) => (ConnectionTestCategory.Authentication, DestinationField.TlsMode,
            $"The server offers TLS but its pg_hba.conf has no entry for this user without encryption: it accepts this user only over TLS (hostssl in pg_hba.conf). Choose {DestinationField.TlsMode.Label} Require or stricter."),
        "28000" when !encrypted && serverOffersTls == false && message.Contains("no pg_hba.conf entry", StringComparison.Ordinal) => (ConnectionTestCategory.Authentication, DestinationField.Username,
            $"The server's pg_hba.conf has no entry for user {username} from this portal's address for database {database} on an unencrypted connection, " +
            $"and the server offers no TLS, so no {DestinationField.TlsMode.Label} can help. Check {DestinationField.Username.Label} and {DestinationField.Database.Label}; if they are right, the server's administrator must add a " +
            "host line for this user, database and the portal's address to pg_hba.conf."),
        "28000" when message.Contains("rejects", StringComparison.Ordinal) => (ConnectionTestCategory.Authentication, DestinationField.Username,
            $"The server's pg_hba.conf rejects user {username} from this portal's address for database {database}."),
        "28000" => (ConnectionTestCategory.Authentication, DestinationField.Username,
            $"The server's pg_hba.conf has no entry for user {username} from this portal's address for database {database}."),
        "3D000" => (ConnectionTestCategory.Database, DestinationField.Database, $"Database {database} does not exist on this server."),
        "42501" => (ConnectionTestCategory.Permissions, DestinationField.Username, $"User {username} may not connect to database {database} (no CONNECT privilege)."),
        "53300" => (ConnectionTestCategory.Database, null, "The server has no free connection slots (too many connections)."),
        _ when sqlState.StartsWith("57P", StringComparison.Ordinal) => (ConnectionTestCategory.Database, null, "The server is starting up, shutting down or not accepting connections."),
        _ => (ConnectionTestCategory.Database, null, $"The server refused the connection: {message}"),
    };
}
