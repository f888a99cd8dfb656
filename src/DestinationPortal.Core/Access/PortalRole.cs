
namespace DestinationPortal.Core.Access;

/// <summary>What a user may do. Each role includes everything the roles before it may do.</summary>
public enum PortalRole
{
    /// <summary>Reads destinations and their test history.</summary>
    Viewer = 0,

    /// <summary>Also creates, edits, copies, deletes and tests destinations.</summary>
    Editor = 1,

    /// <summary>Everything, including users and the audit trail.</summary>
    Administrator = 2,
}

/// <summary>The things the services check before acting. Roles map onto them in <see cref="PortalRoles.Allows"/>.</summary>
public enum PortalCapability
{
    ViewDestinations,
    EditDestinations,
    TestDestinations,
    ManageUsers,
    ViewAudit,
}

public static class PortalRoles
{
    public static bool Allows(this PortalRole role, PortalCapability permission) => permission switch
    {
        PortalCapability.ViewDestinations => true,
        PortalCapability.EditDestinations or PortalCapability.TestDestinations => role >= PortalRole.Editor,
        PortalCapability.ManageUsers or PortalCapability.ViewAudit => role == PortalRole.Administrator,
        _ => false,
    };

    /// <summary>Parses a role name as it appears in a claim or an API body (case-insensitive); null when it is none.</summary>
    public static PortalRole? Parse(string? value) =>
        Enum.TryParse<PortalRole>(value, ignoreCase: true, out var role) && Enum.IsDefined(role) && !int.TryParse(value, out _) ? role : null;
}
