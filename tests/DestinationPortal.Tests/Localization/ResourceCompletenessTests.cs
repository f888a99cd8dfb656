using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using DestinationPortal.TestSupport;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DestinationPortal.Tests.Localization;

/// <summary>
/// Every text of every area in both languages: each English (neutral) resource has a German one, non-empty, with the
/// same placeholders, that says something other than the English unless listed as intentionally identical (here or as
/// an unchanged term in docs/glossary.md), and that uses the glossary's terms. The compiled satellite assemblies are
/// checked too, so a resource file that is not embedded (a wrong name or folder) fails here and not in front of a user.
/// </summary>
public sealed partial class ResourceCompletenessTests
{
    public static TheoryData<string> ResourceFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in NeutralResourceFiles())
        {
            data.Add(Path.GetRelativePath(RepositoryPaths.Root, file));
        }

        return data;
    }

    [Fact]
    public void EachProjectHasItsLocalizationAreas()
    {
        // A guard on the discovery itself: a test that finds no files passes every check vacuously.
        var files = NeutralResourceFiles().Select(Path.GetFileName).ToList();
        Assert.Contains("SharedText.resx", files);
    }

    [Theory]
    [MemberData(nameof(ResourceFiles))]
    public void EveryEnglishTextHasAGermanOneWithTheSamePlaceholders(string file)
    {
        var english = Read(Path.Combine(RepositoryPaths.Root, file));
        var german = Read(GermanFileOf(file));
        var problems = new List<string>();
        foreach (var (key, value) in english)
        {
            if (!german.TryGetValue(key, out var translated) || string.IsNullOrWhiteSpace(translated))
            {
                problems.Add($"{key}: no German text");
                continue;
            }

            if (!Placeholders(value).SetEquals(Placeholders(translated)))
            {
                problems.Add($"{key}: placeholders {string.Join(",", Placeholders(value))} in English, {string.Join(",", Placeholders(translated))} in German");
            }

            if (translated == value && value.Any(char.IsLetter) && !IntentionallyIdentical(file, key, value))
            {
                problems.Add($"{key}: German text equals the English \"{value}\" (translate it, or list it in IntentionallyIdentical.txt)");
            }
        }

        problems.AddRange(german.Keys.Except(english.Keys).Select(k => $"{k}: only in German (a removed or misspelt key)"));
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(ResourceFiles))]
    public void GermanTextsUseTheGlossary(string file)
    {
        var english = Read(Path.Combine(RepositoryPaths.Root, file));
        var german = Read(GermanFileOf(file));
        var problems = new List<string>();
        foreach (var (key, value) in english)
        {
            if (!german.TryGetValue(key, out var translated))
            {
                continue;
            }

            foreach (var term in Glossary.Value.Where(t => t.CheckedAs.Length > 0))
            {
                if (Regex.IsMatch(value, @"(?<![\p{L}])" + Regex.Escape(term.English), RegexOptions.IgnoreCase)
                    && !translated.Contains(term.CheckedAs, StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"{key}: \"{term.English}\" is \"{term.German}\" (docs/glossary.md), but the German text is \"{translated}\"");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(ResourceFiles))]
    public void TheCompiledGermanResourcesAreTheFilesTexts(string file)
    {
        var marker = MarkerTypeOf(file);
        var localizer = new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance).Create(marker);
        var german = Read(GermanFileOf(file));
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("de-DE");
            foreach (var (key, value) in german)
            {
                var found = localizer[key];
                Assert.False(found.ResourceNotFound, $"{marker.Name}: {key} is not in the compiled resources");
                Assert.Equal(value, found.Value);
            }
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    [Fact]
    public void TheGlossaryIsReadFromDocs()
    {
        Assert.Contains(Glossary.Value, t => t.English == "Server Name" && t.German == "Servername" && t.CheckedAs == "Servername");
    }

    private static IEnumerable<string> NeutralResourceFiles() =>
        Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "src"), "*.resx", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && Path.GetFileNameWithoutExtension(f).Split('.').Length == 1)
            .Order(StringComparer.Ordinal);

    private static string GermanFileOf(string file) =>
        Path.Combine(RepositoryPaths.Root, Path.ChangeExtension(file, null) + ".de.resx");

    private static Dictionary<string, string> Read(string path)
    {
        Assert.True(File.Exists(path), $"{path} is missing");
        return XDocument.Load(path).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "", StringComparer.Ordinal);
    }

    private static HashSet<string> Placeholders(string text) => [.. Placeholder().Matches(text).Select(m => m.Groups[1].Value)];

    // "src/DestinationPortal.Web/Localization/SharedText.resx" is the resource of DestinationPortal.Web.Localization.SharedText.
    private static Type MarkerTypeOf(string file)
    {
        var parts = file.Replace('\\', '/').Split('/');
        var project = parts[1];
        var typeName = project + "." + string.Join('.', parts[2..]).Replace(".resx", "", StringComparison.Ordinal);
        var assembly = project switch
        {
            "DestinationPortal.Web" => typeof(Web.Localization.SharedText).Assembly,
            "DestinationPortal.Core" => typeof(Core.Localization.PortalLanguages).Assembly,
            _ => throw new InvalidOperationException($"No assembly for {project}"),
        };
        return assembly.GetType(typeName) ?? throw new InvalidOperationException($"{file} has no marker type {typeName}");
    }

    private static bool IntentionallyIdentical(string file, string key, string value)
    {
        var resource = Path.GetFileNameWithoutExtension(file);
        return Identical.Value.Contains($"{resource}:{key}")
            || Glossary.Value.Any(t => string.Equals(t.English, value, StringComparison.OrdinalIgnoreCase) && string.Equals(t.German, value, StringComparison.OrdinalIgnoreCase));
    }

    private static readonly Lazy<HashSet<string>> Identical = new(() =>
    [
        .. File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "tests", "DestinationPortal.Tests", "Localization", "IntentionallyIdentical.txt"))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#')),
    ]);

    private sealed record GlossaryTerm(string English, string German, string CheckedAs);

    private static readonly Lazy<List<GlossaryTerm>> Glossary = new(() =>
        File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "docs", "glossary.md"))
            .Where(l => l.StartsWith('|') && !l.StartsWith("|---", StringComparison.Ordinal) && !l.StartsWith("| English", StringComparison.Ordinal))
            .Select(l => l.Split('|').Select(c => c.Trim()).ToArray())
            .Select(c => new GlossaryTerm(c[1], c[2], c[3]))
            .ToList());

    [GeneratedRegex(@"\{(\d+)(?:[,:][^}]*)?\}")]
    private static partial Regex Placeholder();
}
