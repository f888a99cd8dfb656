using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Persistence;
using DestinationPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace DestinationPortal.Tests.Persistence;

/// <summary>A stored password is bound to the target it was saved for: saves remove it when that target changes, and it decrypts for no other.</summary>
public sealed class PasswordBindingTests : IDisposable
{
    private const string Canary = "P@ss-bound-canary-5Rk9";
    private static readonly string CaPem = TestCertificates.SelfSignedPem("Saved CA");
    private static readonly string OtherCaPem = TestCertificates.SelfSignedPem("Attacker CA");
    private readonly TestPortal _portal = new();

    public void Dispose() => _portal.Dispose();

    private static DestinationInput Saved() => new()
    {
        Name = "warehouse",
        ServerName = "db.example.test",
        Port = "5432",
        TlsMode = TlsMode.VerifyFull,
        Username = "loader",
        Database = "sales",
        CaCertificate = CaPem,
    };

    // Each row changes one bound field (Prefer also drops the CA certificate, which only Verify modes keep); the labels
    // are what the screens and the audit trail say.
    public static TheoryData<string, Action<DestinationInput>> BoundFieldChanges => new()
    {
        { "Server Name", i => i.ServerName = "attacker.example.test" },
        { "Port", i => i.Port = "6543" },
        { "Private endpoint host", i => { i.UsePrivateEndpoint = true; i.PrivateEndpoint = "10.9.9.9"; } },
        { "Username", i => i.Username = "postgres" },
        { "Database", i => i.Database = "postgres" },
        { "TLS Mode, CA certificate", i => i.TlsMode = TlsMode.Prefer },
        { "TLS Mode", i => i.TlsMode = TlsMode.VerifyCA },
        { "CA certificate", i => i.CaCertificate = OtherCaPem },
    };

    private async Task<(Guid Id, Guid Version)> CreateAsync(DestinationInput input)
    {
        using var session = _portal.Start();
        input.Password = Canary;
        var created = await session.Get<DestinationService>().CreateAsync(input);
        Assert.Equal(SaveStatus.Saved, created.Status);
        return (created.Id!.Value, created.Version!.Value);
    }

    [Theory]
    [MemberData(nameof(BoundFieldChanges))]
    public async Task Update_BoundFieldChangedWithoutPassword_RemovesTheStoredPasswordAndSaysWhich(string label, Action<DestinationInput> change)
    {
        var (id, version) = await CreateAsync(Saved());
        using var session = _portal.Start();
        var service = session.Get<DestinationService>();
        var edited = Saved();
        change(edited);

        var result = await service.UpdateAsync(id, version, edited);

        Assert.Equal(SaveStatus.Saved, result.Status);
        Assert.Equal(label, string.Join(", ", result.PasswordRemovedBecause));
        Assert.False((await service.GetForEditAsync(id))!.HasPassword);
        await using var db = await session.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var audit = await db.AuditEntries.Where(e => e.Action == AuditActions.DestinationUpdated && e.DestinationId == id).SingleAsync();
        Assert.Contains("Password", audit.ChangedFields!.Split(", "));
    }

    [Fact]
    public async Task Update_KerberosServiceNameChanged_RemovesTheStoredPassword()
    {
        var input = Saved();
        input.WindowsAuthentication = true;
        var (id, version) = await CreateAsync(input);
        using var session = _portal.Start();
        var edited = Saved();
        edited.WindowsAuthentication = true;
        edited.KerberosServiceName = "HTTP";

        var result = await session.Get<DestinationService>().UpdateAsync(id, version, edited);

        Assert.Equal(["Kerberos service name"], result.PasswordRemovedBecause);
        Assert.False((await session.Get<DestinationService>().GetForEditAsync(id))!.HasPassword);
    }

    [Fact]
    public async Task Update_OnlyNameAndTimeoutChanged_KeepsTheStoredPasswordForTheSameTarget()
    {
        var (id, version) = await CreateAsync(Saved());
        using var session = _portal.Start();
        var service = session.Get<DestinationService>();
        var edited = Saved();
        edited.Name = "warehouse renamed";
        edited.TimeoutSeconds = "30";

        var result = await service.UpdateAsync(id, version, edited);

        Assert.Empty(result.PasswordRemovedBecause);
        Assert.Equal(Canary, (await service.PrepareTestAsync(id, null)).Saved.PasswordForSavedTarget());
    }

    [Fact]
    public async Task Update_BoundFieldChangedWithTypedPassword_BindsTheNewPasswordToTheNewTargetOnly()
    {
        var (id, version) = await CreateAsync(Saved());
        using var session = _portal.Start();
        var service = session.Get<DestinationService>();
        var edited = Saved();
        edited.ServerName = "replica.example.test";
        edited.Password = "typed for the replica";

        var result = await service.UpdateAsync(id, version, edited);

        Assert.Empty(result.PasswordRemovedBecause);
        var saved = (await service.PrepareTestAsync(id, null)).Saved;
        Assert.Equal("typed for the replica", saved.PasswordForSavedTarget());
        var old = saved!.Definition with { ServerName = "db.example.test" };
        Assert.Null(saved.UnprotectPasswordFor(old));
    }

    [Theory]
    [MemberData(nameof(BoundFieldChanges))]
    public async Task UnprotectPasswordFor_AnyOtherTarget_ReleasesNothing(string label, Action<DestinationInput> change)
    {
        var (id, _) = await CreateAsync(Saved());
        using var session = _portal.Start();
        var saved = (await session.Get<DestinationService>().PrepareTestAsync(id, null)).Saved;
        var other = Saved();
        change(other);
        var otherTarget = DestinationValidator.TryCreateDefinition(other, out _)!;
        Assert.Equal(label, string.Join(", ", PasswordBinding.ChangedFields(saved!.Definition, otherTarget)));

        Assert.Null(saved.UnprotectPasswordFor(otherTarget));
        Assert.Equal(Canary, saved.UnprotectPasswordFor(saved.Definition with { Name = "any name", TimeoutSeconds = 99 }));
    }

    [Fact]
    public async Task Initialize_PasswordSavedBeforeBinding_IsReboundToItsSavedTargetOnce()
    {
        var (id, _) = await CreateAsync(Saved());
        using (var old = _portal.Start())
        {
            // Exactly what the portal wrote before binding existed: Data Protection with the v1 purpose and nothing else.
            var unbound = old.Get<IDataProtectionProvider>().CreateProtector("DestinationPortal.Destinations.Password.v1").Protect(Canary);
            await using var db = await old.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
            await db.Destinations.Where(d => d.Id == id).ExecuteUpdateAsync(s => s.SetProperty(d => d.ProtectedPassword, unbound));
            Assert.Null((await old.Get<DestinationService>().PrepareTestAsync(id, null)).Saved.PasswordForSavedTarget());
        }

        using var restarted = _portal.Start();
        await restarted.Services.InitializePortalDatabaseAsync();

        var saved = (await restarted.Get<DestinationService>().PrepareTestAsync(id, null)).Saved;
        Assert.Equal(Canary, saved.PasswordForSavedTarget());
        Assert.Null(saved!.UnprotectPasswordFor(saved.Definition with { Port = 6543 }));
        await using var check = await restarted.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var stored = await check.Destinations.Where(d => d.Id == id).Select(d => d.ProtectedPassword).SingleAsync();
        Assert.StartsWith("v2:", stored, StringComparison.Ordinal);
        await restarted.Services.InitializePortalDatabaseAsync();
        Assert.Equal(stored, await check.Destinations.AsNoTracking().Where(d => d.Id == id).Select(d => d.ProtectedPassword).SingleAsync());
    }

    [Fact]
    public async Task Initialize_UnboundPasswordTheKeyRingCannotRead_IsLeftUnusableWithoutFailingTheStart()
    {
        var (id, _) = await CreateAsync(Saved());
        using (var old = _portal.Start())
        {
            await using var db = await old.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
            await db.Destinations.Where(d => d.Id == id).ExecuteUpdateAsync(s => s.SetProperty(d => d.ProtectedPassword, "CfDJ8not-a-payload-this-key-ring-can-read"));
        }

        using var restarted = _portal.Start();
        await restarted.Services.InitializePortalDatabaseAsync();

        var service = restarted.Get<DestinationService>();
        Assert.Null((await service.PrepareTestAsync(id, null)).Saved.PasswordForSavedTarget());
        Assert.True((await service.GetForEditAsync(id))!.HasPassword);
    }
}
