namespace DestinationPortal.Core.Destinations;

/// <summary>Labels (<see cref="DestinationField.Label"/>) of the fields that differ between two definitions, in form order: what the audit trail records, never values.</summary>
internal static class DefinitionChanges
{
    private static readonly Dictionary<DestinationField, Func<DestinationDefinition, object?>> ValueOf =
        DestinationDefinition.Values.ToDictionary(v => v.Field, v => v.Value);

    public static List<string> Between(DestinationDefinition? before, DestinationDefinition after, bool passwordChanged)
    {
        var changed = new List<string>();
        foreach (var field in DestinationField.All)
        {
            if (field == DestinationField.Password)
            {
                if (passwordChanged)
                {
                    changed.Add(field.Label);
                }
            }
            else if (ValueOf.TryGetValue(field, out var value)
                     && (before is null ? IsSet(value(after)) : !Equals(value(before), value(after))))
            {
                changed.Add(field.Label);
            }
        }

        return changed;
    }

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
