using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using DestinationPortal.Core.Localization;

namespace DestinationPortal.Core.Destinations;

/// <summary>
/// Something wrong with an import document. <see cref="Path"/> is a JSON path without the leading <c>$.</c>
/// (<c>destinations[3].port</c>), empty for the document as a whole; <see cref="Message"/> says what to change.
/// </summary>
public sealed record ImportProblem(string Path, string Message, int? Entry = null, string? EntryName = null)
{
    /// <summary>One line for a person: "Entry 4 (warehouse): Port must be a whole number from 1 to 65535."</summary>
    public string Display => Entry is { } index
        ? string.IsNullOrWhiteSpace(EntryName)
            ? DestinationMessages.Text("Import.Entry", (index + 1).ToString(CultureInfo.InvariantCulture), Message)
            : DestinationMessages.Text("Import.EntryNamed", (index + 1).ToString(CultureInfo.InvariantCulture), EntryName, Message)
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

    // A typo in a property name must not be silently ignored: the serializer refuses a property the type does not have.
    private static readonly JsonSerializerOptions Strict = new(DestinationJson.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    private static readonly string[] EntryPropertyList =
        [.. typeof(DestinationDocumentEntry).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name))];

    /// <summary>In the current UI culture, so read it where it is shown.</summary>
    public static string TooLargeMessage => DestinationMessages.Text("Import.TooLarge", MaxDocumentBytes);

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
            return Fail(DestinationMessages.Text("Import.Empty"));
        }

        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            return Fail(DestinationMessages.Text("Import.NotJson", (ex.LineNumber ?? 0) + 1, (ex.BytePositionInLine ?? 0) + 1));
        }

        using (parsed)
        {
            return Read(parsed.RootElement);
        }
    }

    private static DocumentReadResult Read(JsonElement root)
    {
        var shape = DestinationMessages.Text("Import.Shape");
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Fail(shape);
        }

        var problems = new List<ImportProblem>();
        Header header;
        try
        {
            header = root.Deserialize<Header>(Strict)!;
        }
        catch (JsonException ex)
        {
            // Every header property is a JsonElement, so nothing but an unknown property can fail here. The rest of the
            // document is still read, so one upload reports everything to fix.
            var name = PropertyName(ex) ?? "";
            problems.Add(new ImportProblem(name, DestinationMessages.Text("Import.UnknownDocumentProperty", name)));
            header = root.Deserialize<Header>(DestinationJson.Options)!;
        }

        if (header.Format is { ValueKind: not JsonValueKind.Undefined } f && (f.ValueKind != JsonValueKind.String || f.GetString() != DestinationDocument.FormatName))
        {
            problems.Add(new ImportProblem("format", DestinationMessages.Text("Import.Format", DestinationDocument.FormatName)));
        }

        if (header.Version is { ValueKind: not JsonValueKind.Undefined } v && (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var number) || number != DestinationDocument.CurrentVersion))
        {
            problems.Add(new ImportProblem("version", DestinationMessages.Text("Import.Version", DestinationDocument.CurrentVersion)));
        }

        if (header.Destinations is not { ValueKind: JsonValueKind.Array } list)
        {
            problems.Add(new ImportProblem("destinations", shape));
            return new DocumentReadResult([], problems);
        }

        var count = list.GetArrayLength();
        if (count > MaxEntries)
        {
            problems.Add(new ImportProblem("destinations", DestinationMessages.Text("Import.TooManyEntries", count, MaxEntries)));
            return new DocumentReadResult([], problems);
        }

        CheckOptional<DateTime?>(header.ExportedAtUtc, "exportedAtUtc", problems);
        CheckOptional<string?>(header.ExportedBy, "exportedBy", problems);
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
            problems.Add(new ImportProblem(path, DestinationMessages.Text("Import.EntryNotObject"), index));
            return null;
        }

        var name = element.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, "name", StringComparison.OrdinalIgnoreCase)).Value is { ValueKind: JsonValueKind.String } n
            ? n.GetString()
            : null;
        try
        {
            return element.Deserialize<DestinationDocumentEntry>(Strict);
        }
        catch (JsonException ex)
        {
            var (key, message) = DestinationJson.DescribeConversionError(typeof(DestinationDocumentEntry), ex);
            if (PropertyName(ex) is { } property && !EntryPropertyList.Contains(property, StringComparer.OrdinalIgnoreCase))
            {
                key = property;
                message = string.Equals(key, "password", StringComparison.OrdinalIgnoreCase)
                    ? DestinationMessages.Text("Import.NoPasswords")
                    : DestinationMessages.Text("Import.UnknownEntryProperty", key, string.Join(", ", EntryPropertyList));
            }

            problems.Add(new ImportProblem(key.Length == 0 ? path : $"{path}.{key}", message, index, name));
            return null;
        }
    }

    private static void CheckOptional<T>(JsonElement value, string name, List<ImportProblem> problems)
    {
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            return;
        }

        try
        {
            _ = value.Deserialize<T>(DestinationJson.Options);
        }
        catch (JsonException)
        {
            problems.Add(new ImportProblem(name, DestinationMessages.Text("Json.MustBe", name, DestinationJson.Describe(typeof(T)))));
        }
    }

    // The top-level property an error is about, from its path ($.name or $['odd name']); null for a deeper path.
    private static string? PropertyName(JsonException exception)
    {
        var path = exception.Path ?? "$";
        if (path.StartsWith("$['", StringComparison.Ordinal) && path.EndsWith("']", StringComparison.Ordinal) && path.IndexOf("']", StringComparison.Ordinal) == path.Length - 2)
        {
            return path[3..^2];
        }

        return path.StartsWith("$.", StringComparison.Ordinal) && path.IndexOfAny(['.', '['], 2) < 0 ? path[2..] : null;
    }

    // The document's top level as the serializer sees it; a property not listed here is refused.
    private sealed record Header(JsonElement Format, JsonElement Version, JsonElement ExportedAtUtc, JsonElement ExportedBy, JsonElement Destinations);

    private static DocumentReadResult Fail(string message) => new([], [new ImportProblem("", message)]);
}
