namespace DestinationPortal.Core.Access;

/// <summary>
/// <c>Portal:Admin</c> (environment <c>Portal__Admin__UserName</c>, <c>Portal__Admin__Password</c>): the first
/// administrator, created at start-up when the portal has no user yet. For containers and automation; without it
/// the first start prints a one-time setup token instead.
/// </summary>
public sealed class PortalAdminOptions
{
    public const string SectionName = "Portal:Admin";

    public string? UserName { get; set; }

    public string? Password { get; set; }
}
