using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;

namespace DestinationPortal.Web.Components.Layout;

/// <summary>
/// Renders one translated sentence whose placeholders are components (a <c>&lt;LocalTime&gt;</c>, a bold name): the
/// translator keeps the whole sentence and its word order, and the markup goes where the sentence puts "{n}".
/// </summary>
public static partial class LocalizedSentence
{
    /// <param name="format">The resource text, unformatted (<c>T["key"].Value</c>), with "{0}"-style placeholders.</param>
    /// <param name="arguments">A <see cref="RenderFragment"/> is rendered as markup; anything else as text in the current culture.</param>
    public static RenderFragment Render(string format, params object?[] arguments) => builder =>
    {
        var position = 0;
        foreach (Match placeholder in Placeholder().Matches(format))
        {
            builder.AddContent(0, format[position..placeholder.Index]);
            var argument = arguments[int.Parse(placeholder.Groups[1].Value, CultureInfo.InvariantCulture)];
            if (argument is RenderFragment fragment)
            {
                builder.AddContent(1, fragment);
            }
            else
            {
                builder.AddContent(2, Convert.ToString(argument, CultureInfo.CurrentCulture));
            }

            position = placeholder.Index + placeholder.Length;
        }

        builder.AddContent(3, format[position..]);
    };

    [GeneratedRegex(@"\{(\d+)\}")]
    private static partial Regex Placeholder();
}
