using DestinationPortal.Core.Access;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Persistence;
using DestinationPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DestinationPortal.Tests.Persistence;

/// <summary>The service is the one place a use case is checked: the role, the stored destination and the form, once.</summary>
public sealed class DestinationBoundaryTests : IDisposable
{
    private readonly TestPortal _portal = new();

    public void Dispose() => _portal.Dispose();

    private static DestinationInput Input(string name = "warehouse") =>
        new() { Name = name, ServerName = "db.example.test", Username = "loader", Database = "sales" };

    private async Task<Guid> CreateAsync(DestinationInput input)
    {
        using var session = _portal.Start();
        var created = await session.Get<DestinationService>().CreateAsync(input);
        Assert.Equal(SaveStatus.Saved, created.Status);
        return created.Id!.Value;
    }

    [Fact]
    public async Task PrepareTest_StoredDestinationWithoutForm_IsReadyWithTheStoredDefinition()
    {
        var id = await CreateAsync(Input() with { Port = "6432" });
        using var session = _portal.Start();

        var test = await session.Get<DestinationService>().PrepareTestAsync(id, null);

        Assert.Equal(TestPreparation.Ready, test.Status);
        Assert.Equal(test.Saved!.Definition, test.Definition);
        Assert.Equal(6432, test.Definition!.Port);
        Assert.Null(test.Typed);
    }

    [Fact]
    public async Task PrepareTest_UnknownId_IsNotFound_InvalidForm_IsInvalidWithTheValidatorsMessages()
    {
        var id = await CreateAsync(Input());
        using var session = _portal.Start();
        var service = session.Get<DestinationService>();

        var unknown = await service.PrepareTestAsync(Guid.NewGuid(), Input());
        var invalid = await service.PrepareTestAsync(id, Input() with { Port = "abc" });

        Assert.Equal(TestPreparation.NotFound, unknown.Status);
        Assert.Equal(TestPreparation.Invalid, invalid.Status);
        Assert.Equal([(DestinationField.Port.Key, "Port must be a whole number from 1 to 65535.")], invalid.Errors.Select(e => (e.Field, e.Message)));
        Assert.Null(invalid.Definition);
    }

    [Fact]
    public async Task PrepareTest_Viewer_IsRefusedOnce_BeforeAnythingIsRead()
    {
        var id = await CreateAsync(Input());
        _portal.User.Role = PortalRole.Viewer;
        using var session = _portal.Start();

        await Assert.ThrowsAsync<PortalAccessDeniedException>(() => session.Get<DestinationService>().PrepareTestAsync(id, Input() with { Port = "abc" }));

        await using var db = await session.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == AuditActions.AccessDenied));
    }

    [Fact]
    public async Task Update_WithoutExpectedVersion_SavesOverWhateverIsStored_AndReturnsWhatWasStored()
    {
        var id = await CreateAsync(Input());
        using var session = _portal.Start();
        var service = session.Get<DestinationService>();
        Assert.Equal(SaveStatus.Saved, (await service.UpdateAsync(id, null, Input() with { Database = "finance" })).Status);

        var overwrite = await service.UpdateAsync(id, null, Input() with { Database = "archive" });

        Assert.Equal(SaveStatus.Saved, overwrite.Status);
        Assert.Equal(("archive", overwrite.Version!.Value), (overwrite.Stored!.Definition.Database, overwrite.Stored.Version));
        Assert.Equal(overwrite.Stored, await service.GetForEditAsync(id));
    }

    [Fact]
    public async Task Copy_UnknownSource_IsNotFound_KnownSource_IsCreatedWithoutThePassword()
    {
        var id = await CreateAsync(Input() with { Password = "P@ss-copy-canary" });
        using var session = _portal.Start();
        var service = session.Get<DestinationService>();

        var unknown = await service.CopyAsync(Guid.NewGuid(), null, null);
        var copy = await service.CopyAsync(id, null, null);

        Assert.Equal(SaveStatus.NotFound, unknown.Status);
        Assert.Equal(SaveStatus.Saved, copy.Status);
        Assert.Equal(("Copy of warehouse", false), (copy.Stored!.Definition.Name, copy.Stored.HasPassword));
    }
}
