namespace DestinationPortal.Core.Destinations;

/// <summary>
/// The seam for destination types. A type owns its defaults and its validation rules (and, with the
/// connection tester, its tester); adding a second type means adding one implementation of this and
/// its editor component, not changing the ones that exist.
/// </summary>
public interface IDestinationType
{
    string TypeId { get; }

    string DisplayName { get; }

    /// <summary>A fresh form for a new destination of this type, with the type's defaults filled in.</summary>
    DestinationInput NewInput();

    /// <summary>Checks the type's own fields. Name and Type are checked by <see cref="DestinationValidator"/>.</summary>
    IEnumerable<FieldError> Validate(DestinationInput input);
}

/// <summary>All registered destination types, in the order the Type drop-down lists them.</summary>
public sealed class DestinationTypeCatalog(IEnumerable<IDestinationType> types)
{
    private readonly IReadOnlyList<IDestinationType> _types = [.. types.OrderBy(t => t.DisplayName, StringComparer.OrdinalIgnoreCase)];

    public IReadOnlyList<IDestinationType> All => _types;

    public IDestinationType? Find(string? typeId) =>
        _types.FirstOrDefault(t => string.Equals(t.TypeId, typeId, StringComparison.OrdinalIgnoreCase));

    public string DisplayName(string typeId) => Find(typeId)?.DisplayName ?? typeId;
}
