using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Tests.Localization;

/// <summary>
/// Pseudo-localisation: every text that comes from a resource is shown as "⟦English text⟧", so a rendered page whose
/// visible text is not all bracketed has a literal nobody translates. A key with no resource comes back bare (as the
/// real localizer does), so a missing key shows up too.
/// </summary>
public static class PseudoLocalization
{
    public const char Open = '⟦';

    public const char Close = '⟧';

    /// <summary>Replaces the localizer factory: register it in a bUnit context's services before the first render.</summary>
    public static IServiceCollection AddPseudoLocalization(this IServiceCollection services)
    {
        services.AddSingleton<IStringLocalizerFactory>(new PseudoLocalizerFactory());
        services.AddTransient(typeof(IStringLocalizer<>), typeof(StringLocalizer<>));
        return services;
    }

    private sealed class PseudoLocalizerFactory : IStringLocalizerFactory
    {
        private readonly ResourceManagerStringLocalizerFactory _inner =
            new(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance);

        public IStringLocalizer Create(Type resourceSource) => new PseudoLocalizer(_inner.Create(resourceSource));

        public IStringLocalizer Create(string baseName, string location) => new PseudoLocalizer(_inner.Create(baseName, location));
    }

    private sealed class PseudoLocalizer(IStringLocalizer inner) : IStringLocalizer
    {
        public LocalizedString this[string name] => Wrap(inner[name]);

        public LocalizedString this[string name, params object[] arguments] => Wrap(inner[name, arguments]);

        public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => inner.GetAllStrings(includeParentCultures).Select(Wrap);

        private static LocalizedString Wrap(LocalizedString value) =>
            value.ResourceNotFound ? value : new LocalizedString(value.Name, $"{Open}{value.Value}{Close}", resourceNotFound: false, value.SearchedLocation);
    }
}

/// <summary>Finds what a person would read on a rendered page that did not come from a resource.</summary>
public static partial class UntranslatedText
{
    // Attributes a person reads (or hears from a screen reader).
    private static readonly string[] ReadAttributes = ["aria-label", "title", "placeholder", "alt", "aria-description", "aria-roledescription"];

    /// <summary>
    /// The visible texts and read attributes of <paramref name="markup"/> that still hold letters once every
    /// "⟦…⟧" resource text and every <paramref name="allowed"/> data value (names, servers a test seeded) is taken out.
    /// </summary>
    public static IReadOnlyList<string> In(string markup, params IEnumerable<string> allowed)
    {
        var data = allowed.Where(a => a.Length > 0).Append("UTC").OrderByDescending(a => a.Length).ToList();
        var document = new HtmlParser().ParseDocument("<body>" + markup + "</body>");
        var findings = new List<string>();
        foreach (var node in document.Body!.Descendants())
        {
            if (node is IText text && text.ParentElement?.LocalName is not ("script" or "style"))
            {
                Check(text.Data, data, findings);
            }
            else if (node is IElement element)
            {
                foreach (var attribute in ReadAttributes)
                {
                    Check(element.GetAttribute(attribute), data, findings);
                }

                if (element.LocalName == "input" && element.GetAttribute("type") is "submit" or "button")
                {
                    Check(element.GetAttribute("value"), data, findings);
                }
            }
        }

        return findings;
    }

    private static void Check(string? text, List<string> data, List<string> findings)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        var rest = text;
        // Innermost first: a resource text may carry another as its argument ("⟦Signed in as ⟦Viewer⟧⟧").
        while (Bracketed().IsMatch(rest))
        {
            rest = Bracketed().Replace(rest, " ");
        }

        foreach (var value in data)
        {
            rest = rest.Replace(value, " ", StringComparison.Ordinal);
        }

        if (rest.Any(char.IsLetter))
        {
            findings.Add(text.Trim());
        }
    }

    [GeneratedRegex("⟦[^⟦⟧]*⟧")]
    private static partial Regex Bracketed();
}
