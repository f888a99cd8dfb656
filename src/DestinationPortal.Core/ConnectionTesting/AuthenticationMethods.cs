using DestinationPortal.Core.Localization;
using Microsoft.Extensions.Localization;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>How the tester names, judges and pins the authentication method the server asked for.</summary>
internal static class AuthenticationMethods
{
    private static IStringLocalizer T => ConnectionTestText.Localizer;

    public static bool NeedsPassword(AuthenticationMethod method) =>
        method is AuthenticationMethod.Cleartext or AuthenticationMethod.Md5 or AuthenticationMethod.Sasl;

    /// <summary>The method's name in the report; <paramref name="channelBinding"/>: whether the login can bind SCRAM to its
    /// TLS channel, only when Npgsql itself speaks TLS.</summary>
    public static string DisplayName(AuthenticationMethod method, IReadOnlyList<string> mechanisms, bool channelBinding) => method switch
    {
        // Npgsql picks -PLUS (channel binding) whenever the server offers it over TLS, and PostgreSQL offers it only there.
        AuthenticationMethod.Sasl when channelBinding && mechanisms.Contains("SCRAM-SHA-256-PLUS") => "SCRAM-SHA-256-PLUS",
        AuthenticationMethod.Sasl when mechanisms.Contains("SCRAM-SHA-256") => "SCRAM-SHA-256",
        AuthenticationMethod.Sasl => "SASL (" + string.Join(", ", mechanisms) + ")",
        AuthenticationMethod.Md5 => "MD5",
        AuthenticationMethod.Cleartext => T["Auth.Method.Cleartext"],
        AuthenticationMethod.Gss => "GSSAPI (Kerberos)",
        AuthenticationMethod.Sspi => "SSPI",
        AuthenticationMethod.None => T["Auth.Method.None"],
        _ => T["Auth.Method.Unsupported"],
    };

    public static IReadOnlyList<string> Warnings(AuthenticationMethod method, bool encrypted) => method switch
    {
        AuthenticationMethod.Md5 => [T["Auth.Warning.Md5"]],
        AuthenticationMethod.Cleartext when !encrypted => [T["Auth.Warning.CleartextUnencrypted"]],
        AuthenticationMethod.Cleartext => [T["Auth.Warning.Cleartext"]],
        AuthenticationMethod.None => [T["Auth.Warning.NoCredential"]],
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
