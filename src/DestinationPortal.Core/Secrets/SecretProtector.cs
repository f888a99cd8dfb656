using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace DestinationPortal.Core.Secrets;

/// <summary>
/// Encrypts destination passwords at rest with ASP.NET Core Data Protection. The purpose string is versioned
/// so a future scheme can live beside this one; the key ring sits in the data directory beside the database.
/// </summary>
public sealed class SecretProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("DestinationPortal.Destinations.Password.v1");

    public string Protect(string plaintext) => _protector.Protect(plaintext);

    /// <summary>
    /// The plaintext, or null when the ciphertext cannot be read (the key ring was lost or replaced): the
    /// caller then asks for the password again rather than failing the circuit.
    /// </summary>
    public string? TryUnprotect(string protectedValue)
    {
        try
        {
            return _protector.Unprotect(protectedValue);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
