using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace DestinationPortal.Core.Destinations;

/// <summary>
/// Something wrong with an import document. <see cref="Path"/> is a JSON path without the leading <c>$.</c>
/// (<c>destinations[3].port</c>), empty for the document as a whole; <see cref="Message"/> says what to change.
/// </summary>
public sealed record ImportProblem(string Path, string Message, int? Entry = null, string? EntryName = null)
{
    /// <summary>One line for a person: "Entry 4 (warehouse): Port must be a whole number from 1 to 65535."</summary>
    public string Display => Entry is { } index
        ? $"Entry {(index + 1).ToString(CultureInfo.InvariantCulture)}{(string.IsNullOrWhiteSpace(EntryName) ? "" : $" ({EntryName})")}: {Message}"
        : Message;
}

/// <summary>One entry that could be read, with its position in the file (entries that could not be read are problems).</summary>
public sealed record DocumentEntry(int Index, DestinationDocumentEntry Entry);

/// <summary>
/// The entries that could be read and everything wrong with the document. Entry problems do not hide the other
/// entries: the validator still judges them, so one upload reports everything to fix.
/// </summary>
public sealed record DocumentReadResult(IReadOnlyList<DocumentEntry> Entries, IReadOnlyList<ImportProblem> Problems);

/// <summary>
/// Reads an import document defensively: a size limit, an entry limit, JSON that is not what it should be, unknown
/// properties (a typo must not be silently ignored) and passwords are each reported in plain words, every entry
/// checked, so one upload shows everything to fix. Validation of the values themselves is the validator's job.
/// </summary>
public static class DestinationDocumentReader
{
    /// <summary>1 MB: about 2,000 typical destinations, or 30 with a maximal CA certificate each.</summary>
    public const int MaxDocumentBytes = 1024 * 1024;

    public const int MaxEntries = 1000;

    private static readonly HashSet<string> RootProperties = new(StringComparer.OrdinalIgnoreCase)
    {
        "format", "version", "exportedAtUtc", "exportedBy", "destinations",
    };

    private static readonly string[] EntryPropertyList =
        [.. typeof(DestinationDocumentEntry).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name))];

    private static readonly HashSet<string> EntryProperties = new(EntryPropertyList, StringComparer.OrdinalIgnoreCase);

    public static string TooLargeMessage { get; } =
        $"The document is larger than {MaxDocumentBytes:N0} bytes (1 MB), the most one import may be. Split it into several files.";

    /// <summary>
    /// Reads at most <see cref="MaxDocumentBytes"/> from <paramref name="stream"/>; null when there is more, so a
    /// 10 MB upload costs 1 MB of memory before it is refused.
    /// </summary>
    public static async Task<byte[]?> ReadLimitedAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new byte[MaxDocumentBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        return length > MaxDocumentBytes ? null : buffer[..length];
    }

    public static DocumentReadResult Read(ReadOnlyMemory<byte> json)
    {
        if (json.Length > MaxDocumentBytes)
        {
            return Fail(TooLargeMessage);
        }

        if (json.Length == 0)
        {
            return Fail("The document is empty. Choose a file exported from a Destination Portal.");
        }

        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            return Fail($"The document is not valid JSON (line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}).");
        }

        using (parsed)
        {
            return Read(parsed.RootElement);
        }
    }

    private static DocumentReadResult Read(JsonElement root)
    {
        const string Shape = "The document must be a JSON object with a \"destinations\" array, as Export writes it.";
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Fail(Shape);
        }

        var problems = new List<ImportProblem>();
        foreach (var property in root.EnumerateObject().Where(p => !RootProperties.Contains(p.Name)))
        {
            problems.Add(new ImportProblem(property.Name, $"Unknown property \"{property.Name}\". A document has format, version, exportedAtUtc, exportedBy and destinations."));
        }

        var format = Property(root, "format");
        if (format is { } f && (f.ValueKind != JsonValueKind.String || f.GetString() != DestinationDocument.FormatName))
        {
            problems.Add(new ImportProblem("format", $"format must be \"{DestinationDocument.FormatName}\"; this is not a destination export."));
        }

        var version = Property(root, "version");
        if (version is { } v && (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var number) || number != DestinationDocument.CurrentVersion))
        {
            problems.Add(new ImportProblem("version", $"version must be {DestinationDocument.CurrentVersion}; this portal reads version {DestinationDocument.CurrentVersion} documents only."));
        }

        if (Property(root, "destinations") is not { ValueKind: JsonValueKind.Array } list)
        {
            problems.Add(new ImportProblem("destinations", Shape));
            return new DocumentReadResult([], problems);
        }

        var count = list.GetArrayLength();
        if (count > MaxEntries)
        {
            problems.Add(new ImportProblem("destinations", $"The document holds {count:N0} destinations; one import may hold at most {MaxEntries:N0}. Split it into several files."));
            return new DocumentReadResult([], problems);
        }

        _ = ReadOptional<DateTime?>(root, "exportedAtUtc", problems);
        _ = ReadOptional<string?>(root, "exportedBy", problems);
        var entries = new List<DocumentEntry>(count);
        var index = 0;
        foreach (var element in list.EnumerateArray())
        {
            if (ReadEntry(element, index, problems) is { } entry)
            {
                entries.Add(new DocumentEntry(index, entry));
            }

            index++;
        }

        return new DocumentReadResult(entries, problems);
    }

    private static DestinationDocumentEntry? ReadEntry(JsonElement element, int index, List<ImportProblem> problems)
    {
        var path = $"destinations[{index.ToString(CultureInfo.InvariantCulture)}]";
        if (element.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new ImportProblem(path, "Each destination must be a JSON object.", index));
            return null;
        }

        var name = Property(element, "name") is { ValueKind: JsonValueKind.String } n ? n.GetString() : null;
        var before = problems.Count;
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, "password", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add(new ImportProblem($"{path}.{property.Name}",
                    "Passwords are never imported (nor exported). Remove password from the file and set it after the import, on Destination Details or with PUT /api/destinations/{id}.",
                    index, name));
            }
            else if (!EntryProperties.Contains(property.Name))
            {
                problems.Add(new ImportProblem($"{path}.{property.Name}",
                    $"Unknown property \"{property.Name}\". A destination has {string.Join(", ", EntryPropertyList)}.", index, name));
            }
        }

        if (problems.Count > before)
        {
            return null;
        }

        try
        {
            return element.Deserialize<DestinationDocumentEntry>(DestinationJson.Options);
        }
        catch (JsonException ex)
        {
            var (key, message) = DestinationJson.DescribeConversionError(typeof(DestinationDocumentEntry), ex);
            problems.Add(new ImportProblem(key.Length == 0 ? path : $"{path}.{key}", message, index, name));
            return null;
        }
    }

    private static T? ReadOptional<T>(JsonElement root, string name, List<ImportProblem> problems)
    {
        if (Property(root, name) is not { } value)
        {
            return default;
        }

        try
        {
            return value.Deserialize<T>(DestinationJson.Options);
        }
        catch (JsonException)
        {
            problems.Add(new ImportProblem(name, $"{name} must be {DestinationJson.Describe(typeof(T))}."));
            return default;
        }
    }

    // Property names are matched ignoring case, as the serializer reads them.
    private static JsonElement? Property(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    private static DocumentReadResult Fail(string message) => new([], [new ImportProblem("", message)]);
}
