using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.IntegrationTests.Store;

public sealed class DestinationSaveOnSqliteTests : DestinationSaveContract
{
    protected override Task<PortalStore> CreateStoreAsync() => PortalStore.SqliteAsync();
}

[Collection(PostgreSqlTestGroup.Name)]
public sealed class DestinationSaveOnPostgreSqlTests(PostgreSqlServers servers) : DestinationSaveContract
{
    protected override Task<PortalStore> CreateStoreAsync() => PortalStore.PostgreSqlAsync(servers.NoTls);
}

/// <summary>
/// Saving on either store: names unique ignoring case (the unique index on the normalised name, whose violation each
/// provider reports with its own code), the row version that catches a save over someone else's, both also when two
/// portal instances save at the same moment, and every field at its longest fitting its column (PostgreSQL enforces
/// varchar(n), SQLite does not).
/// </summary>
public abstract class DestinationSaveContract : StoreContract
{
    [Fact]
    public async Task Create_NameDifferingOnlyInCaseAndSpaces_IsRejectedAsDuplicate()
    {
        Assert.Equal(SaveStatus.Saved, (await Service.CreateAsync(Input("Warehouse"))).Status);

        var second = await Service.CreateAsync(Input("  WAREHOUSE "));

        Assert.Equal(SaveStatus.Invalid, second.Status);
        Assert.True(second.NameTaken);
        var error = Assert.Single(second.FieldErrors);
        Assert.Equal(nameof(DestinationInput.Name), error.Field);
        Assert.Contains("already exists", error.Message);
        Assert.Equal(1, (await Service.ListAsync(new DestinationListQuery())).TotalCount);
    }

    [Fact]
    public async Task Update_RenamingOntoAnotherDestination_IsRejectedAsDuplicate()
    {
        await Service.CreateAsync(Input("alpha"));
        var beta = await Service.CreateAsync(Input("beta"));

        var result = await Service.UpdateAsync(beta.Id!.Value, beta.Version!.Value, Input("ALPHA"));

        Assert.Equal(SaveStatus.Invalid, result.Status);
        Assert.Equal(nameof(DestinationInput.Name), Assert.Single(result.FieldErrors).Field);
    }

    [Fact]
    public async Task Update_WithStaleVersion_ReportsWhoChangedItAndWritesNothing()
    {
        var created = await Service.CreateAsync(Input("warehouse"));
        var loadedVersion = created.Version!.Value;

        User.Name = "bob";
        var bobsSave = await Service.UpdateAsync(created.Id!.Value, loadedVersion, Input("warehouse") with { Port = "6432" });
        Assert.Equal(SaveStatus.Saved, bobsSave.Status);

        User.Name = "alice";
        var alicesSave = await Service.UpdateAsync(created.Id!.Value, loadedVersion, Input("warehouse") with { Database = "finance" });

        Assert.Equal(SaveStatus.Conflict, alicesSave.Status);
        Assert.Equal("bob", alicesSave.Conflict!.UpdatedBy);
        Assert.Equal(bobsSave.Version, alicesSave.Conflict.CurrentVersion);
        var stored = await Service.GetForEditAsync(created.Id!.Value);
        Assert.Equal((6432, "sales"), (stored!.Definition.Port, stored.Definition.Database));

        var overwrite = await Service.UpdateAsync(created.Id!.Value, alicesSave.Conflict.CurrentVersion, Input("warehouse") with { Database = "finance" });

        Assert.Equal(SaveStatus.Saved, overwrite.Status);
        Assert.Equal("finance", (await Service.GetForEditAsync(created.Id!.Value))!.Definition.Database);
    }

    [Fact]
    public async Task Create_SameNameFromTwoInstancesAtOnce_ExactlyOneIsSaved_TheOthersAreToldTheNameIsTaken()
    {
        var instances = new[] { Instance, Store.StartInstance(new TestCurrentUser("bob")) };
        var names = new[] { "Shared", "SHARED", "shared", " Shared ", "sHaReD", "SHARED ", "shared", "Shared" };

        // Each save from its own scope, as separate requests are; half through each instance.
        var results = await Task.WhenAll(names.Select((name, i) => Task.Run(async () =>
        {
            await using var scope = instances[i % 2].Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<DestinationService>().CreateAsync(Input(name));
        })));

        Assert.Single(results, r => r.Status == SaveStatus.Saved);
        Assert.All(results.Where(r => r.Status != SaveStatus.Saved), r => Assert.True(r.NameTaken, r.Status.ToString()));
        await using var db = await Instance.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.Destinations.CountAsync());
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == AuditActions.DestinationCreated));
    }

    [Fact]
    public async Task Update_SameVersionFromTwoInstancesAtOnce_ExactlyOneIsSaved_TheOtherIsAConflict()
    {
        var created = await Service.CreateAsync(Input("warehouse"));
        var instances = new[] { Instance, Store.StartInstance(new TestCurrentUser("bob")) };
        var databases = new[] { "first", "second", "third", "fourth" };

        var results = await Task.WhenAll(databases.Select((database, i) => Task.Run(async () =>
        {
            await using var scope = instances[i % 2].Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<DestinationService>()
                .UpdateAsync(created.Id!.Value, created.Version!.Value, Input("warehouse") with { Database = database });
        })));

        var saved = Assert.Single(results, r => r.Status == SaveStatus.Saved);
        Assert.All(results.Where(r => r.Status != SaveStatus.Saved), r => Assert.Equal(SaveStatus.Conflict, r.Status));
        var stored = await Service.GetForEditAsync(created.Id!.Value);
        Assert.Equal((saved.Version, saved.Stored!.Definition.Database), (stored!.Version, stored.Definition.Database));
        await using var db = await Instance.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == AuditActions.DestinationUpdated));
    }

    /// <summary>Each field at the longest the form accepts, in characters that take more than one byte where a field allows them.</summary>
    private static DestinationInput Longest() => new()
    {
        Name = new string('ä', DestinationValidator.MaxNameLength),
        ServerName = string.Join('.', Enumerable.Repeat(new string('s', 63), 3)) + "." + new string('t', 61),
        UsePrivateEndpoint = true,
        PrivateEndpoint = string.Join('.', Enumerable.Repeat(new string('p', 63), 3)) + "." + new string('q', 61),
        Username = new string('ü', 31) + "u",
        Database = new string('ö', 31) + "d",
        WindowsAuthentication = true,
        KerberosServiceName = new string('k', 63),
        Password = new string('p', 1000),
    };

    [Fact]
    public async Task Create_EveryFieldAtItsLongest_IsStoredAndReadBackUnchanged_AndSoIsItsCopy()
    {
        var input = Longest();
        Assert.Equal(253, input.ServerName.Length);

        var created = await Service.CreateAsync(input);
        var copy = await Service.CopyAsync(created.Id!.Value, null, null);

        Assert.Equal(SaveStatus.Saved, created.Status);
        var stored = (await Service.GetForEditAsync(created.Id!.Value))!.Definition;
        Assert.Equal((input.Name, input.ServerName, input.PrivateEndpoint, input.Username, input.Database, input.KerberosServiceName),
            (stored.Name, stored.ServerName, stored.PrivateEndpoint, stored.Username, stored.Database, stored.KerberosServiceName));
        Assert.Equal(SaveStatus.Saved, copy.Status);
        Assert.Equal(DestinationValidator.MaxNameLength, copy.Stored!.Definition.Name.Length);
        Assert.StartsWith("Copy of ää", copy.Stored.Definition.Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_AFieldLongerThanItsColumn_IsAValidationMessageForThatField_NotAStoreError()
    {
        var longest = Longest();
        var tooLong = longest with
        {
            Name = longest.Name + "ä",
            ServerName = "a" + longest.ServerName,
            PrivateEndpoint = "a" + longest.PrivateEndpoint,
            Username = longest.Username + "u",
            Database = longest.Database + "d",
            KerberosServiceName = longest.KerberosServiceName + "k",
            Password = longest.Password + "p",
        };

        var result = await Service.CreateAsync(tooLong);

        Assert.Equal(SaveStatus.Invalid, result.Status);
        Assert.Equal(
            new[] { DestinationField.Name, DestinationField.ServerName, DestinationField.PrivateEndpoint, DestinationField.Username, DestinationField.Password, DestinationField.Database, DestinationField.KerberosServiceName }
                .Select(f => f.Key).Order(),
            result.FieldErrors.Select(e => e.Field).Order());
        Assert.Equal(0, (await Service.ListAsync(new DestinationListQuery())).TotalCount);
    }
}
