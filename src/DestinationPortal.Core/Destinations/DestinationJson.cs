using System.Collections;
using System.Reflection;
using System.Text.Json;
using DestinationPortal.Core.Localization;

namespace DestinationPortal.Core.Destinations;

/// <summary>
/// How destinations look in JSON (the REST API and the export/import document): camelCase names, enums by name
/// only, and the JSON name of each form field (from <see cref="DestinationField"/>), so a validator message lands on the property the caller sent.
/// </summary>
public static class DestinationJson
{
    /// <summary>
    /// Web defaults (camelCase, case-insensitive reading) with enums as exactly one name (<see cref="StrictEnumConverter"/>).
    /// Numbers for enums are refused: <c>"tlsMode": 4</c> would silently mean whatever the declaration order says today.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions(writeIndented: false);

    /// <summary>The same, indented: export documents are meant to be read and kept in Git.</summary>
    public static JsonSerializerOptions IndentedOptions { get; } = CreateOptions(writeIndented: true);

    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Converters.Add(new StrictEnumConverter());
    }

    /// <summary>The JSON property for a <see cref="FieldError.Field"/> (<see cref="DestinationField.JsonName"/>).</summary>
    public static string PropertyName(string field) =>
        DestinationField.Find(field)?.JsonName ?? JsonNamingPolicy.CamelCase.ConvertName(field);

    /// <summary>
    /// Says in plain words what is wrong with a value System.Text.Json could not convert: the property (as a JSON
    /// path without the leading <c>$.</c>) and what it must be, from the target type's property at that path.
    /// </summary>
    public static (string Key, string Message) DescribeConversionError(Type rootType, JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var path = exception.Path ?? "$";
        var key = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        var target = ResolvePath(rootType, path);
        if (key.Length == 0)
        {
            return ("", DestinationMessages.Text("Json.BodyMustBe", Describe(target ?? rootType)));
        }

        return target is null
            ? (key, DestinationMessages.Text("Json.WrongType", key))
            : (key, DestinationMessages.Text("Json.MustBe", key, Describe(target)));
    }

    /// <summary>What a JSON value must be to convert to <paramref name="type"/>, e.g. "a whole number" (current UI culture).</summary>
    public static string Describe(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return DestinationMessages.Text("Json.OrNull", Describe(underlying));
        }

        if (type.IsEnum)
        {
            return DestinationMessages.Text("Json.OneOf", string.Join(", ", Enum.GetNames(type)));
        }

        return DestinationMessages.Text(type switch
        {
            _ when type == typeof(string) => "Json.Text",
            _ when type == typeof(bool) => "Json.Boolean",
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => "Json.WholeNumber",
            _ when type == typeof(Guid) => "Json.Id",
            _ when type == typeof(DateTime) || type == typeof(DateTimeOffset) => "Json.DateTime",
            _ when type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type) => "Json.Array",
            _ => "Json.Object",
        });
    }

    private static JsonSerializerOptions CreateOptions(bool writeIndented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = writeIndented, MaxDepth = 16 };
        Configure(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    // "$.destinations[3].port" → int, walking JSON (camelCase) property names and list element types.
    private static Type? ResolvePath(Type rootType, string path)
    {
        var current = rootType;
        var rest = path.TrimStart('$');
        while (rest.Length > 0)
        {
            if (rest[0] == '[')
            {
                var end = rest.IndexOf(']', StringComparison.Ordinal);
                if (end < 0)
                {
                    return null;
                }

                current = ElementType(current);
                if (current is null)
                {
                    return null;
                }

                rest = rest[(end + 1)..];
                continue;
            }

            if (rest[0] != '.')
            {
                return null;
            }

            rest = rest[1..];
            var stop = rest.IndexOfAny(['.', '[']);
            var segment = stop < 0 ? rest : rest[..stop];
            rest = stop < 0 ? "" : rest[stop..];
            var property = current.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .FirstOrDefault(p => string.Equals(JsonNamingPolicy.CamelCase.ConvertName(p.Name), segment, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                return null;
            }

            current = property.PropertyType;
        }

        return current;
    }

    private static Type? ElementType(Type type) =>
        type.IsArray
            ? type.GetElementType()
            : type.GetInterfaces().Append(type)
                .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
}
