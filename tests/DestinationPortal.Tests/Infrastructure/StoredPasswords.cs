using DestinationPortal.Core.Destinations;

namespace DestinationPortal.Tests.Infrastructure;

internal static class StoredPasswords
{
    /// <summary>The stored password as a test of the destination exactly as saved would get it; null when none would be sent.</summary>
    public static string? PasswordForSavedTarget(this DestinationForTest? saved) => saved?.UnprotectPasswordFor(saved.Definition);
}
