namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>How the tester names, judges and pins the authentication method the server asked for.</summary>
internal static class AuthenticationMethods
{
    public static bool NeedsPassword(AuthenticationMethod method) =>
        method is AuthenticationMethod.Cleartext or AuthenticationMethod.Md5 or AuthenticationMethod.Sasl;

    public static string DisplayName(AuthenticationMethod method, IReadOnlyList<string> mechanisms, bool encrypted) => method switch
    {
        // Npgsql picks -PLUS (channel binding) whenever the server offers it over TLS, and PostgreSQL offers it only there.
        AuthenticationMethod.Sasl when encrypted && mechanisms.Contains("SCRAM-SHA-256-PLUS") => "SCRAM-SHA-256-PLUS",
        AuthenticationMethod.Sasl when mechanisms.Contains("SCRAM-SHA-256") => "SCRAM-SHA-256",
        AuthenticationMethod.Sasl => "SASL (" + string.Join(", ", mechanisms) + ")",
        AuthenticationMethod.Md5 => "MD5",
        AuthenticationMethod.Cleartext => "cleartext password",
        AuthenticationMethod.Gss => "GSSAPI (Kerberos)",
        AuthenticationMethod.Sspi => "SSPI",
        AuthenticationMethod.None => "none",
        _ => "unsupported",
    };

    public static IReadOnlyList<string> Warnings(AuthenticationMethod method, bool encrypted) => method switch
    {
        AuthenticationMethod.Md5 => ["MD5 password authentication is deprecated by PostgreSQL; switch the role's password and pg_hba.conf to scram-sha-256."],
        AuthenticationMethod.Cleartext when !encrypted =>
            ["CRITICAL: the server asks for the password in cleartext and the connection is not encrypted, so the password crossed the network readable. Use TLS and scram-sha-256."],
        AuthenticationMethod.Cleartext => ["The server asks for the password in cleartext; TLS protects it in transit, but scram-sha-256 never reveals it to the server."],
        AuthenticationMethod.None => ["The server let this user in without any credential (trust or similar in pg_hba.conf)."],
        _ => [],
    };

    /// <summary>
    /// Npgsql's <c>Require Auth</c> value (case-sensitive enum names) allowing only the method the probe saw, so a server
    /// cannot switch to a weaker method between probe and attempt, and PGREQUIREAUTH cannot change the result.
    /// </summary>
    public static string RequireAuth(AuthenticationMethod method) => method switch
    {
        AuthenticationMethod.Sasl => "ScramSHA256",
        AuthenticationMethod.Md5 => "MD5",
        AuthenticationMethod.Cleartext => "Password",
        AuthenticationMethod.Gss => "GSS",
        AuthenticationMethod.Sspi => "SSPI",
        _ => "None",
    };
}
