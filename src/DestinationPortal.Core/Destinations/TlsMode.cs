namespace DestinationPortal.Core.Destinations;

/// <summary>
/// Declared in the order the form lists them: the Designer's three first, then the rest of libpq's modes.
/// Stored by name, so reordering never changes stored data.
/// </summary>
public enum TlsMode
{
    Prefer,
    Require,
    Disable,
    Allow,
    VerifyCA,
    VerifyFull,
}

public static class TlsModes
{
    public static IReadOnlyList<TlsMode> InFormOrder { get; } = Enum.GetValues<TlsMode>();

    public static string DisplayName(this TlsMode mode) => mode switch
    {
        TlsMode.VerifyCA => "Verify CA",
        TlsMode.VerifyFull => "Verify Full",
        _ => mode.ToString(),
    };

    /// <summary>The help shown under TLS Mode; the first three keep the Designer's wording.</summary>
    public static string Description(this TlsMode mode) => mode switch
    {
        TlsMode.Prefer => "Use encryption, if server supports it. If it does not, the connection is unencrypted.",
        TlsMode.Require => "Always encrypted; unencrypted connections are refused. The server certificate is not checked, so this does not protect against an impostor server.",
        TlsMode.Disable => "Caution: an unencrypted, insecure connection is established to the PostgreSQL server.",
        TlsMode.Allow => "Try unencrypted first and use encryption only if the server insists. The server certificate is not checked.",
        TlsMode.VerifyCA => "Always encrypted, and the server certificate must be signed by a trusted certificate authority (the CA certificate below, or the system store). The host name is not checked.",
        TlsMode.VerifyFull => "Always encrypted, the server certificate must be signed by a trusted certificate authority, and it must be issued for Server Name.",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    public static bool ChecksCertificate(this TlsMode mode) => mode is TlsMode.VerifyCA or TlsMode.VerifyFull;
}
