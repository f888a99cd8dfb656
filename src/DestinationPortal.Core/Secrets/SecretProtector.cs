using System.Security.Cryptography;
using DestinationPortal.Core.Destinations;
using Microsoft.AspNetCore.DataProtection;

namespace DestinationPortal.Core.Secrets;

/// <summary>
/// Encrypts destination passwords at rest with ASP.NET Core Data Protection, bound to their target: the purpose
/// includes <see cref="PasswordBinding.TargetKey"/>, so a stored password decrypts only for the exact target it was
/// saved for (<see cref="PasswordBinding"/>), whatever a caller passes. The key ring sits in the data directory beside
/// the database.
/// </summary>
/// <remarks>
/// Values written before binding existed are plain Data Protection payloads (base64url, never containing ':'); bound
/// ones start with <see cref="BoundPrefix"/>. The start-up migration (<see cref="Persistence.PasswordBindingMigration"/>)
/// rebinds the old ones to the target they were saved with; nothing else can decrypt them.
/// </remarks>
public sealed class SecretProtector(IDataProtectionProvider provider)
{
    internal const string BoundPrefix = "v2:";

    private readonly IDataProtector _bound = provider.CreateProtector("DestinationPortal.Destinations.Password.v2");
    private readonly IDataProtector _unbound = provider.CreateProtector("DestinationPortal.Destinations.Password.v1");

    public string ProtectFor(string plaintext, DestinationDefinition target) =>
        BoundPrefix + _bound.CreateProtector(PasswordBinding.TargetKey(target)).Protect(plaintext);

    /// <summary>
    /// The plaintext, or null when it was not saved for <paramref name="target"/>, was saved before binding and not yet
    /// migrated, or cannot be read (the key ring was lost or replaced): the caller then asks for the password again
    /// rather than failing the circuit.
    /// </summary>
    public string? TryUnprotectFor(string protectedValue, DestinationDefinition target)
    {
        if (!IsBound(protectedValue))
        {
            return null;
        }

        try
        {
            return _bound.CreateProtector(PasswordBinding.TargetKey(target)).Unprotect(protectedValue[BoundPrefix.Length..]);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static bool IsBound(string protectedValue) => protectedValue.StartsWith(BoundPrefix, StringComparison.Ordinal);

    /// <summary>Reads a value saved before binding existed; only the start-up migration may call this.</summary>
    internal string? TryUnprotectUnbound(string protectedValue)
    {
        try
        {
            return _unbound.Unprotect(protectedValue);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
