using DestinationPortal.Core.Persistence;
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
    public async Task Initialize_DataDirectoryKeyRingAndKeys_AreOwnerOnly()
    {
        // Opened up first, as a restored backup or a hand-made directory might be: the start must close them again.
        const UnixFileMode everyoneReads = OwnerOnlyDirectory | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        var keyRing = Path.Combine(_portal.DataDirectory, "keys");
        File.SetUnixFileMode(_portal.DataDirectory, everyoneReads);
        File.SetUnixFileMode(keyRing, everyoneReads);
        using var session = _portal.Start();

        await session.Services.InitializePortalDatabaseAsync();
        session.Get<IDataProtectionProvider>().CreateProtector("permissions test").Protect("creates the first key");

        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(_portal.DataDirectory));
        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(keyRing));
        var keys = Directory.GetFiles(keyRing, "key-*.xml");
        Assert.NotEmpty(keys);
        Assert.All(keys, key => Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(key)));
    }
}
