namespace DestinationPortal.Core.Access;

/// <summary>
/// Thrown by a service when the current user's role does not allow the action. The attempt has already been
/// written to the audit trail. The web layer turns it into 403 (API), a HubException (hub) or a message (screens).
/// </summary>
public sealed class PortalAccessDeniedException : Exception
{
    public PortalAccessDeniedException()
        : this(PortalCapability.ViewDestinations, "this action")
    {
    }

    public PortalAccessDeniedException(string message)
        : base(message)
    {
    }

    public PortalAccessDeniedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PortalAccessDeniedException(PortalCapability permission, string action)
        : base($"Your role does not allow {action}.")
    {
        Permission = permission;
    }

    public PortalCapability Permission { get; }
}
