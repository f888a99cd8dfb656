using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using DestinationPortal.Core.Localization;

namespace DestinationPortal.Core.Destinations;

/// <summary>
/// Field checks shared by destination types. Each returns the message to show, or null when the value is fine;
/// messages name the field as the form labels it, so the same words work in the form and in an API problem. The caller
/// passes the label in the current UI culture and the message comes from ValidationText in the same culture.
/// </summary>
public static class FieldRules
{
    /// <summary>Upper bound on any text the portal accepts; the CA certificate is the only field this long.</summary>
    public const int MaxCertificateChars = 32_768;

    public static bool HasControlCharacters(string value) => value.Any(char.IsControl);

    /// <summary>
    /// True for characters that change how text displays while showing nothing themselves: format characters (Unicode Cf:
    /// the bidi embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069, the direction marks U+200E, U+200F and
    /// U+061C, the zero-width U+200B–U+200D, U+2060 and U+FEFF, the soft hyphen, tag characters) and the line and paragraph
    /// separators U+2028 and U+2029. "\u202Elanigiro" can display as "original", and "prod\u200B" looks like "prod": a name
    /// that others pick from a list must show what it is.
    /// </summary>
    public static bool HasInvisibleCharacters(string value)
    {
        foreach (var rune in value.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A name people read and choose by (a destination, a token): required, bounded, nothing hidden in it.</summary>
    public static string? DisplayName(string label, string value, int maxChars) =>
        RequiredText(label, value, maxChars) ?? InvisibleCharacters(label, value);

    private static string? InvisibleCharacters(string label, string value) =>
        HasInvisibleCharacters(value)
            ? ValidationText.Text("Field.InvisibleCharacters", label)
            : null;

    public static string? RequiredText(string label, string value, int maxChars)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Required(label);
        }

        return OptionalText(label, value, maxChars);
    }

    public static string? OptionalText(string label, string value, int maxChars)
    {
        if (value.Length > maxChars)
        {
            return ValidationText.Text("Field.TooLong", label, maxChars);
        }

        return HasControlCharacters(value) ? ControlCharacters(label) : null;
    }

    /// <summary>PostgreSQL identifiers (user and database names) are limited to 63 bytes of UTF-8 (NAMEDATALEN - 1).</summary>
    public static string? PostgresIdentifier(string label, string value, bool required)
    {
        var trimmed = value.Trim();
        if (trimmed.Length == 0)
        {
            return required ? Required(label) : null;
        }

        if (HasControlCharacters(trimmed))
        {
            return ControlCharacters(label);
        }

        if (InvisibleCharacters(label, trimmed) is { } invisible)
        {
            return invisible;
        }

        var bytes = Encoding.UTF8.GetByteCount(trimmed);
        return bytes > 63 ? ValidationText.Text("Field.IdentifierTooLong", label, bytes) : null;
    }

    /// <summary>A DNS host name, an IPv4 address in dotted-quad form, or an IPv6 literal (brackets optional).</summary>
    public static string? HostName(string label, string value)
    {
        var host = value.Trim();
        if (host.Length == 0)
        {
            return Required(label);
        }

        if (NormalizeHost(host) is not null)
        {
            return null;
        }

        return !Ascii.IsValid(host) && IdnHost.ToAscii(host) is null
            ? ValidationText.Text("Field.HostName.InvalidIdn", label)
            : ValidationText.Text("Field.HostName", label);
    }

    /// <summary>The canonical form stored for a valid host (IPv6 without brackets), or null when it is not a valid host.</summary>
    public static string? NormalizeHost(string value)
    {
        var host = value.Trim();
        if (host.Length is 0 or > 253 || HasControlCharacters(host))
        {
            return null;
        }

        var unbracketed = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (unbracketed.Contains(':'))
        {
            // A zone id (fe80::1%eth0) names an interface of this machine, which means nothing to a destination.
            return !unbracketed.Contains('%')
                && IPAddress.TryParse(unbracketed, out var v6)
                && v6.AddressFamily == AddressFamily.InterNetworkV6
                ? v6.ToString()
                : null;
        }

        if (host.Length != unbracketed.Length)
        {
            return null;
        }

        if (IsDottedQuad(host))
        {
            return host;
        }

        // An internationalised name is kept as typed and checked in its A-label form (IdnHost), by the same rules.
        return !HasInvisibleCharacters(host) && IdnHost.ToAscii(host) is { } ascii && IsDnsName(ascii) ? host : null;
    }

    public static string? IntegerInRange(string label, string value, int min, int max, out int parsed)
    {
        parsed = 0;
        var text = value.Trim();
        if (text.Length == 0)
        {
            return Required(label);
        }

        if (text.Length > 9 || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out parsed) || parsed < min || parsed > max)
        {
            return ValidationText.Text("Field.WholeNumber", label, min, max);
        }

        return null;
    }

    private static string Required(string label) => ValidationText.Text("Field.Required", label);

    private static string ControlCharacters(string label) => ValidationText.Text("Field.ControlCharacters", label);

    private static bool IsDottedQuad(string host)
    {
        var parts = host.Split('.');
        return parts.Length == 4 && parts.All(p =>
            p.Length is >= 1 and <= 3
            && p.All(char.IsAsciiDigit)
            && (p.Length == 1 || p[0] != '0')
            && int.Parse(p, CultureInfo.InvariantCulture) <= 255);
    }

    // RFC 1123 labels; underscores are tolerated because Windows-managed DNS zones contain them.
    // A numeric last label is refused: "127.1", "2130706433" or "0x7f000001" would otherwise slip
    // through as names and be read as IP addresses by the resolver (inet_aton accepts all three).
    private static bool IsDnsName(string host)
    {
        var name = host.EndsWith('.') ? host[..^1] : host;
        var labels = name.Split('.');
        if (labels.Any(l => l.Length is 0 or > 63 || l[0] == '-' || l[^1] == '-' || !l.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            return false;
        }

        var last = labels[^1];
        var hexNumber = last.Length > 2 && last.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && last[2..].All(char.IsAsciiHexDigit);
        return !last.All(char.IsAsciiDigit) && !hexNumber;
    }
}
