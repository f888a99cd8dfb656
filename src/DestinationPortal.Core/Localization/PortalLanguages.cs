using System.Globalization;

namespace DestinationPortal.Core.Localization;

/// <summary>
/// The languages the portal speaks. A language is a two-letter code ("en", "de"): the UI culture. How numbers and dates
/// look (the formatting culture) comes from the browser's own culture of the same language, so an Austrian gets de-AT.
/// </summary>
public static class PortalLanguages
{
    public const string English = "en";

    public const string German = "de";

    /// <summary>English first: it is the default and the neutral resources' language.</summary>
    public static IReadOnlyList<string> All { get; } = [English, German];

    /// <summary>The most a stored language code may hold (BCP 47 allows more; we store only our own codes).</summary>
    public const int MaxLength = 8;

    /// <summary>The supported language a culture name belongs to ("de-AT" → "de"), or null for any other language.</summary>
    public static string? Normalize(string? cultureName)
    {
        if (string.IsNullOrWhiteSpace(cultureName) || cultureName.Length > 32)
        {
            return null;
        }

        var language = cultureName.Split('-', 2)[0].Trim().ToLowerInvariant();
        return All.Contains(language) ? language : null;
    }

    /// <summary>The language of the current UI culture: what a user who has not chosen one gets saved.</summary>
    public static string Current => Normalize(CultureInfo.CurrentUICulture.Name) ?? English;

    /// <summary>What the language calls itself, for the language switch (never translated: a reader finds their own).</summary>
    public static string NativeName(string language) => language switch
    {
        German => "Deutsch",
        _ => "English",
    };
}
