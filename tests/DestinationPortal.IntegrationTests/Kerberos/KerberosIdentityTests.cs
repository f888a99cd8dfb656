using System.Diagnostics;

namespace DestinationPortal.IntegrationTests.Kerberos;

/// <summary>What Destination Details shows beside Windows Authentication, read in a process with a real Kerberos environment.</summary>
[Collection(KerberosTestGroup.Name)]
public sealed class KerberosIdentityTests(KerberosServers kerberos)
{
    [Fact]
    public async Task Read_ClientKeytab_ReportsItsPrincipalAndFile()
    {
        var identity = await ConnectionTestProcess.ReadIdentityAsync(new(kerberos.Realm.ConfigFile, kerberos.PortalKeytab));

        Assert.Equal($"portal@{KerberosRealm.Name}", identity.Principal);
        Assert.Equal($"client keytab FILE:{kerberos.PortalKeytab}", identity.Source);
        Assert.Equal("portal", identity.DefaultDatabaseUser);
    }

    [Fact]
    public async Task Read_NoTicketAndNoKeytab_SaysWhereItLooked()
    {
        var identity = await ConnectionTestProcess.ReadIdentityAsync(new(kerberos.Realm.ConfigFile, kerberos.MissingKeytab));

        Assert.Null(identity.Principal);
        Assert.StartsWith("no ticket in MEMORY:", identity.Source, StringComparison.Ordinal);
        Assert.Contains($"no client keytab at FILE:{kerberos.MissingKeytab}", identity.Source, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_TicketCacheAndKeytab_PrefersTheTicketCacheAsGssapiDoes()
    {
        var cache = $"FILE:{Path.Combine(kerberos.WorkDirectory, $"cc-{Guid.NewGuid():N}")}";
        await KinitAsync(kerberos.RolelessKeytab, KerberosServers.RolelessUser, cache);

        var identity = await ConnectionTestProcess.ReadIdentityAsync(new(kerberos.Realm.ConfigFile, kerberos.PortalKeytab, cache));

        Assert.Equal($"nobody@{KerberosRealm.Name}", identity.Principal);
        Assert.Equal($"ticket cache {cache}", identity.Source);
    }

    private async Task KinitAsync(string keytab, string principal, string cache)
    {
        var start = new ProcessStartInfo("/usr/bin/kinit", ["-k", "-t", keytab, "-c", cache, principal]) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.Environment["KRB5_CONFIG"] = kerberos.Realm.ConfigFile;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start kinit (Debian package krb5-user).");
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(limit.Token);
        Assert.True(process.ExitCode == 0, $"kinit failed: {await error}");
    }
}
