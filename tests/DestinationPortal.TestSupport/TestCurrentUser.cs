using DestinationPortal.Core;
using DestinationPortal.Core.Access;

namespace DestinationPortal.TestSupport;

/// <summary>
/// The one stand-in for the signed-in user in tests that run Core services without the web host. Setting
/// <see cref="Name"/> or <see cref="Role"/> replaces the whole snapshot, as a new request or a revalidated circuit would.
/// </summary>
public sealed class TestCurrentUser(string name = "alice", PortalRole? role = PortalRole.Administrator, string? sourceAddress = "192.0.2.10") : ICurrentUser
{
    public UserSnapshot User { get; private set; } = new(name, name, role, sourceAddress);

    public string Name
    {
        get => User.Name;
        set => User = User with { Id = value, Name = value };
    }

    public PortalRole? Role
    {
        get => User.Role;
        set => User = User with { Role = value };
    }
}
