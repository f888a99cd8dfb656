using System.Text.Json;
using System.Text.Json.Serialization;

namespace DestinationPortal.Core.Destinations;

/// <summary>
/// Enums in JSON as exactly one declared name. The framework's JsonStringEnumConverter also reads "Require, Disable"
/// (the values OR-ed together: here that is Allow, a weaker TLS Mode than either) and numeric strings such as "4";
/// both are refused, as are numbers. Letter case is ignored ("verifyFull" is VerifyFull), as it is for property names
/// under the web defaults: no two names of one enum differ only in case, so case never changes which value is meant.
/// Writing uses the declared name.
/// </summary>
public sealed class StrictEnumConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert))!;

    private sealed class Converter<TEnum> : JsonConverter<TEnum>
        where TEnum : struct, Enum
    {
        private static readonly Dictionary<string, TEnum> ByName =
            Enum.GetNames<TEnum>().ToDictionary(n => n, Enum.Parse<TEnum>, StringComparer.OrdinalIgnoreCase);

        public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            // A JsonException without a message: the serializer adds the property's path, and the API and import turn
            // that into "tlsMode must be one of Prefer, Require, …" (DestinationJson.DescribeConversionError).
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException();
            }

            return Parse(reader.GetString());
        }

        public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString());

        public override TEnum ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Parse(reader.GetString());

        public override void WriteAsPropertyName(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) =>
            writer.WritePropertyName(value.ToString());

        private static TEnum Parse(string? name) =>
            name is not null && ByName.TryGetValue(name, out var value) ? value : throw new JsonException();
    }
}
