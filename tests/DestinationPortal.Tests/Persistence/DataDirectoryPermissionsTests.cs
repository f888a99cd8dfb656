using DestinationPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;

namespace DestinationPortal.Tests.Persistence;

/// <summary>The data directory and the key ring (which decrypts every stored password) are the portal account's alone.</summary>
public sealed class DataDirectoryPermissionsTests : IDisposable
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly TestPortal _portal = new();

    public void Dispose() => _portal.Dispose();

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Initialize_DataDirectoryKeyRingAndKeys_AreOwnerOnly()
    {
        using var session = _portal.Start();
        session.Get<IDataProtectionProvider>().CreateProtector("permissions test").Protect("creates the first key");
        var keyRing = Path.Combine(_portal.DataDirectory, "keys");

        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(_portal.DataDirectory));
        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(keyRing));
        var keys = Directory.GetFiles(keyRing, "key-*.xml");
        Assert.NotEmpty(keys);
        Assert.All(keys, key => Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(key)));
    }
}
