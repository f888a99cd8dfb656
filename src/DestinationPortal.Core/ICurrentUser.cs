using DestinationPortal.Core.Access;

namespace DestinationPortal.Core;

/// <summary>
/// Who is acting and from where: for permission checks, the created-by / updated-by stamps and the audit trail.
/// The web project supplies it per circuit, request or hub invocation.
/// </summary>
public interface ICurrentUser
{
    /// <summary>The user name, or "anonymous" when nobody is signed in.</summary>
    string Name { get; }

    /// <summary>Null when nobody is signed in.</summary>
    PortalRole? Role { get; }

    /// <summary>The client's IP address as the server saw it, when known.</summary>
    string? SourceAddress { get; }
}

public static class CurrentUserExtensions
{
    public static bool Can(this ICurrentUser user, PortalCapability permission) =>
        user.Role is { } role && role.Allows(permission);
}
