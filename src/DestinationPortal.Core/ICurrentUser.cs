using DestinationPortal.Core.Access;

namespace DestinationPortal.Core;

/// <summary>
/// Who is acting and from where, as one immutable <see cref="UserSnapshot"/>: for permission checks, the created-by /
/// updated-by stamps and the audit trail. The web project sets it in one place per host kind (the request pipeline,
/// the circuit, the hub's invocation filter); Core only reads it.
/// </summary>
public interface ICurrentUser
{
    UserSnapshot User { get; }

    // Shortcuts onto the one snapshot, so the many "by whom" stamps read as before.
    string Name => User.Name;

    PortalRole? Role => User.Role;

    string? SourceAddress => User.SourceAddress;
}

/// <summary>
/// A user as one request, circuit state or hub call saw them. Replaced as a whole (never changed in place) when a
/// circuit's user is revalidated away, so a check never sees the name of one state and the role of another.
/// </summary>
/// <param name="Id">Null when nobody is signed in.</param>
/// <param name="Name">The user name, or <see cref="AnonymousName"/>.</param>
/// <param name="Role">Null when nobody is signed in.</param>
/// <param name="SourceAddress">The client's IP address as the server saw it, when known.</param>
public sealed record UserSnapshot(string? Id, string Name, PortalRole? Role, string? SourceAddress)
{
    public const string AnonymousName = "anonymous";

    public static UserSnapshot Anonymous(string? sourceAddress = null) => new(null, AnonymousName, null, sourceAddress);

    public bool IsSignedIn => Id is not null;

    public bool Can(PortalCapability permission) => Role is { } role && role.Allows(permission);
}

public static class CurrentUserExtensions
{
    public static bool Can(this ICurrentUser user, PortalCapability permission) => user.User.Can(permission);
}
