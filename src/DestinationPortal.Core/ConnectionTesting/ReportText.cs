using System.Globalization;
using System.Text;
using DestinationPortal.Core.Localization;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// Bounds and cleans text that ends up in a test's events, answers and stored reports. Much of it comes from the server
/// under test (error messages, SASL mechanism names, certificate subjects), which may be hostile: a megabyte of error
/// text must not become a megabyte answer or stored run, and control, bidi and zero-width characters must not forge
/// report lines or change how a name displays.
/// </summary>
public static class ReportText
{
    /// <summary>The most kept of one piece of server text (an error message, a certificate subject, a detail value).</summary>
    public const int MaxFieldLength = 2 * 1024;

    /// <summary>The most kept of one event message or explanation: the portal's own words around a quoted field.</summary>
    public const int MaxMessageLength = 4 * 1024;

    /// <summary>The most kept of a whole run: its events' messages and details, and the stored report text.</summary>
    public const int MaxReportLength = 48 * 1024;

    private const char Replacement = '\uFFFD';

    /// <summary>
    /// Replaces every control and invisible formatting character with U+FFFD and cuts the text to
    /// <paramref name="maxLength"/> characters, saying so when it does.
    /// </summary>
    public static string Bound(string? text, int maxLength = MaxFieldLength)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var keep = text.Length <= maxLength ? text.Length : Math.Max(0, maxLength - 64);
        var result = new StringBuilder(keep + 64);
        for (var i = 0; i < keep; i++)
        {
            var c = text[i];
            result.Append(IsUnsafe(c) ? Replacement : c);
        }

        if (keep < text.Length)
        {
            // Never end on half a surrogate pair.
            if (result.Length > 0 && char.IsHighSurrogate(result[^1]))
            {
                result.Length--;
            }

            result.Append(ConnectionTestText.Localizer["Report.FieldTruncated", text.Length].Value);
        }

        return result.ToString();
    }

    /// <summary>
    /// Line breaks and tabs are controls too: a server message with a newline could forge a line such as
    /// "Result Succeeded" in the copied report. Format characters (Cf) include the bidi overrides and zero-width marks.
    /// </summary>
    private static bool IsUnsafe(char c) => char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;
}
