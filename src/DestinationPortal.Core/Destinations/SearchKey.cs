using System.Globalization;
using System.Text;

namespace DestinationPortal.Core.Destinations;

/// <summary>
/// The folded form the grid filters and sorts on, stored beside each value it folds (<see cref="Destination.NameKey"/>
/// and its siblings) so that SQLite compares plain text: no function call per row, and an index serves the sort.
/// Ignores letter case and accents, nothing else: "sud" finds "Süd", "SUD" finds "süd", "strasse" finds "Straße", but
/// "mueller" does not find "Müller" (that is a spelling rule, not an accent, and would make "ue" match "ü" everywhere).
/// </summary>
public static class SearchKey
{
    /// <summary>The name SQLite knows <see cref="For"/> by on the portal's own connections (the migration that backfilled the keys uses it).</summary>
    public const string SqlFunctionName = "portal_search_key";

    /// <summary>
    /// Compatibility decomposition (so full-width letters and ligatures match their plain forms), then drop the
    /// combining marks (the accents), then invariant lower case with ß as "ss", the way German writes it in capitals.
    /// Independent of any culture on purpose: a stored key must not change with the language of whoever saved it.
    /// </summary>
    public static string For(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var decomposed = text.Normalize(NormalizationForm.FormKD);
        var key = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (c is 'ß' or 'ẞ')
            {
                key.Append("ss");
                continue;
            }

            key.Append(char.ToLowerInvariant(c));
        }

        return key.ToString();
    }
}
