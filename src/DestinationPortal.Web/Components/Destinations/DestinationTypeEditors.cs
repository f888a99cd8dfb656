using DestinationPortal.Core.Destinations;

namespace DestinationPortal.Web.Components.Destinations;

/// <summary>
/// Which component edits each destination type's fields. A new type registers its <see cref="IDestinationType"/>
/// in Core and its editor here; Destination Details renders whichever editor the selected type has.
/// </summary>
internal static class DestinationTypeEditors
{
    private static readonly Dictionary<string, Type> Editors = new(StringComparer.OrdinalIgnoreCase)
    {
        [PostgreSqlDestinationType.Id] = typeof(PostgreSqlFields),
    };

    public static Type? For(string typeId) => Editors.GetValueOrDefault(typeId);
}

/// <summary>The parameters every type editor receives.</summary>
public interface IDestinationTypeEditor
{
    DestinationInput Input { get; set; }

    /// <summary>Whether a password is stored for this destination (the password itself never reaches the component).</summary>
    bool HasStoredPassword { get; set; }

    /// <summary>
    /// The stored definition, the target a stored password is bound to (<see cref="PasswordBinding"/>); null for a new
    /// destination or a copy. The editor warns at the password before a save would remove it.
    /// </summary>
    DestinationDefinition? SavedTarget { get; set; }
}
