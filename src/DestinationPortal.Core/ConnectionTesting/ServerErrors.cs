using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Localization;
using Microsoft.Extensions.Localization;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// Maps a server ErrorResponse (SQLSTATE first, the English message only to tell pg_hba cases apart) to advice. Advice
/// blames a form field only where what the run observed supports it: TLS Mode is named for a pg_hba refusal of an
/// unencrypted connection only when the server was seen to offer TLS. The explanations are in the run's language; the
/// German ones name the SQLSTATE, which a German administrator searches for next to the server's English message.
/// </summary>
internal static class ServerErrors
{
    private static IStringLocalizer T => ConnectionTestText.Localizer;

    // serverOffersTls: the server's answer to SSLRequest during this run; null when it was not asked.
    public static (ConnectionTestCategory Category, DestinationField? Field, string Explanation) Classify(
        string sqlState, string message, bool encrypted, bool? serverOffersTls, string username, string database) => sqlState switch
    {
        "28P01" => (ConnectionTestCategory.Authentication, DestinationField.Password, T["ServerError.28P01", username]),
        "28000" when !encrypted && serverOffersTls == true && message.Contains("no encryption", StringComparison.Ordinal) => (ConnectionTestCategory.Authentication, DestinationField.TlsMode,
            T["ServerError.28000.TlsOnly", DestinationField.TlsMode.Label]),
        "28000" when !encrypted && serverOffersTls == false && message.Contains("no pg_hba.conf entry", StringComparison.Ordinal) => (ConnectionTestCategory.Authentication, DestinationField.Username,
            T["ServerError.28000.NoEntryNoTls", username, database, DestinationField.TlsMode.Label, DestinationField.Username.Label, DestinationField.Database.Label]),
        "28000" when message.Contains("rejects", StringComparison.Ordinal) => (ConnectionTestCategory.Authentication, DestinationField.Username,
            T["ServerError.28000.Rejects", username, database]),
        "28000" => (ConnectionTestCategory.Authentication, DestinationField.Username, T["ServerError.28000.NoEntry", username, database]),
        "3D000" => (ConnectionTestCategory.Database, DestinationField.Database, T["ServerError.3D000", database]),
        "42501" => (ConnectionTestCategory.Permissions, DestinationField.Username, T["ServerError.42501", username, database]),
        "53300" => (ConnectionTestCategory.Database, null, T["ServerError.53300"]),
        _ when sqlState.StartsWith("57P", StringComparison.Ordinal) => (ConnectionTestCategory.Database, null, T["ServerError.57P"]),
        // The server's own words, quoted as sent.
        _ => (ConnectionTestCategory.Database, null, T["ServerError.Other", message]),
    };
}
