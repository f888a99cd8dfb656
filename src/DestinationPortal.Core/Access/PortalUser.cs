using Microsoft.AspNetCore.Identity;

namespace DestinationPortal.Core.Access;

/// <summary>A local account (ASP.NET Core Identity, hashed password) with exactly one role.</summary>
public sealed class PortalUser : IdentityUser
{
    public PortalRole Role { get; set; }

    /// <summary>A disabled user cannot sign in; open sessions and tokens stop working within a minute.</summary>
    public bool IsDisabled { get; set; }

    /// <summary>Set for temporary passwords an administrator issued: the user must choose their own before signing in.</summary>
    public bool MustChangePassword { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public DateTime? LastSignInAtUtc { get; set; }

    /// <summary>
    /// The portal language the user chose (<see cref="Localization.PortalLanguages"/>), or null until the first sign-in
    /// saves the browser's. It follows the user to every browser and to their API tokens' error texts.
    /// </summary>
    public string? Language { get; set; }
}
