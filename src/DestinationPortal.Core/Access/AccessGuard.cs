using DestinationPortal.Core.Auditing;

namespace DestinationPortal.Core.Access;

/// <summary>
/// The permission check every service method makes before acting, whatever the screens show or hide (T10):
/// a denied attempt is audited, then refused with <see cref="PortalAccessDeniedException"/>.
/// </summary>
public sealed class AccessGuard(ICurrentUser currentUser, AuditLog audit)
{
    public async Task DemandAsync(PortalCapability permission, string action, CancellationToken cancellationToken = default)
    {
        if (currentUser.Can(permission))
        {
            return;
        }

        await audit.WriteAsync(
            audit.Entry(AuditActions.AccessDenied, AuditOutcomes.Denied, details: $"{action} requires {permission}; role {currentUser.Role?.ToString() ?? "none (not signed in)"}"),
            CancellationToken.None);
        throw new PortalAccessDeniedException(permission, action);
    }
}
