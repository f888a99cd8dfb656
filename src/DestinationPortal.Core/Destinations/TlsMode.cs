using DestinationPortal.Core.Localization;

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

    /// <summary>The help shown under TLS Mode, in the current UI culture; the first three keep the Designer's wording.</summary>
    public static string Description(this TlsMode mode) =>
        Enum.IsDefined(mode) ? FieldText.Text($"TlsMode.{mode}.Help") : throw new ArgumentOutOfRangeException(nameof(mode), mode, null);

    public static bool ChecksCertificate(this TlsMode mode) => mode is TlsMode.VerifyCA or TlsMode.VerifyFull;
}
