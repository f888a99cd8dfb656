using System.Globalization;
using DestinationPortal.Core.Localization;

namespace DestinationPortal.Core.Destinations;

/// <summary>
/// The fields that differ between two definitions, in form order: labels only for the audit trail (<see cref="Between"/>),
/// old and new values for a person deciding on an import (<see cref="Describe"/>), never a secret's value. Fields are
/// named by their English label whatever the culture: the audit trail stores them and the API's import plan lists them,
/// and both are compared and scripted across languages; <see cref="FieldChange.Describe"/> translates for a reader.
/// </summary>
internal static class DefinitionChanges
{
    private static readonly Dictionary<DestinationField, Func<DestinationDefinition, object?>> ValueOf =
        DestinationDefinition.Values.ToDictionary(v => v.Field, v => v.Value);

    public static List<string> Between(DestinationDefinition? before, DestinationDefinition after, bool passwordChanged) =>
        [.. Describe(before, after, passwordChanged).Select(c => c.Field)];

    public static List<FieldChange> Describe(DestinationDefinition? before, DestinationDefinition after, bool passwordChanged)
    {
        var changed = new List<FieldChange>();
        foreach (var field in DestinationField.All)
        {
            if (field == DestinationField.Password)
            {
                if (passwordChanged)
                {
                    changed.Add(new(field.EnglishLabel, null, null));
                }
            }
            else if (ValueOf.TryGetValue(field, out var value)
                     && (before is null ? IsSet(value(after)) : !Equals(value(before), value(after))))
            {
                // A certificate body is long and says nothing at a glance; "changed" is what a person can act on.
                changed.Add(field == DestinationField.CaCertificate
                    ? new(field.EnglishLabel, null, null)
                    : new(field.EnglishLabel, before is null ? null : Show(value(before)), Show(value(after))));
            }
        }

        return changed;
    }

    // Values are for the person reading the plan, so "(none)", "Yes" and "No" are in their language.
    private static string Show(object? value) => value switch
    {
        null or "" => DestinationMessages.Text("Change.None"),
        bool flag => DestinationMessages.Text(flag ? "Change.Yes" : "Change.No"),
        TlsMode mode => mode.DisplayName(),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    // A new destination "changes" every field that holds something; TLS Mode always has a value worth recording.
    private static bool IsSet(object? value) => value switch
    {
        null => false,
        string text => text.Length > 0,
        bool flag => flag,
        int number => number != 0,
        _ => true,
    };
}

/// <summary>
/// One changed field as a person reads it. <see cref="Field"/> is the field's English label (a stable name in the API and
/// the audit trail). <see cref="From"/> and <see cref="To"/> are null for the password and the CA certificate, whose
/// values are never shown (and <see cref="From"/> for a field of a new destination).
/// </summary>
public sealed record FieldChange(string Field, string? From, string? To)
{
    /// <summary>"Port: 5432 → 6543", with the field's label in the current UI culture.</summary>
    public string Describe()
    {
        var label = DestinationField.FindByEnglishLabel(Field)?.Label ?? Field;
        return (From, To) switch
        {
            (null, null) => DestinationMessages.Text("Change.Changed", label),
            (null, { } to) => DestinationMessages.Text("Change.Set", label, to),
            ({ } from, _) => DestinationMessages.Text("Change.FromTo", label, from, To ?? ""),
        };
    }
}
