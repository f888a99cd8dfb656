using System.Globalization;
using System.Text;

namespace DestinationPortal.Core.Destinations;

/// <summary>
/// Internationalised host names (datenbank-müller.example). A destination stores the name as the user typed it (the
/// U-label form, what people read); everything that leaves the portal uses the A-label form (xn--datenbank-mller-9vb.example):
/// the resolver, the TLS name check and SNI, the Kerberos principal, the network policy's view of the name. A certificate's
/// dNSName and a KDC's principal hold A-labels, so comparing U-labels would fail where it should pass.
/// </summary>
public static class IdnHost
{
    // UseStd3AsciiRules: only letters, digits and hyphens once converted, as a DNS host name allows (RFC 1123).
    private static readonly IdnMapping Mapping = new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    /// <summary>
    /// The A-label form of <paramref name="host"/>; the host itself when it is ASCII (an IP address, a plain name: today's
    /// rules apply to it unchanged); null when IDNA refuses the name.
    /// </summary>
    public static string? ToAscii(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (Ascii.IsValid(host))
        {
            return host;
        }

        try
        {
            return Mapping.GetAscii(host);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// How a report names a host: "datenbank-müller.example (xn--datenbank-mller-9vb.example)" when the forms differ, so
    /// that the name actually used is always visible (a Cyrillic "а" in "pаypal.example" shows as "xn--pypal-4ve.example").
    /// </summary>
    public static string Display(string host) => ToAscii(host) is { } ascii && !string.Equals(ascii, host, StringComparison.Ordinal) ? $"{host} ({ascii})" : host;
}
