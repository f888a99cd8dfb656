using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using DestinationPortal.TestSupport;
using DestinationPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.Tests.Destinations;

/// <summary>
/// "Last test" belongs to the saved definition: a test of exactly what is then saved counts for it, any change to a
/// connection field or the password makes it "Not tested since change", a rename does not, and a cancelled run is
/// Cancelled. Real SQLite, the real runner and services; only the network part is scripted.
/// </summary>
public sealed class LastTestStatusTests : IDisposable
{
    private const string Canary = "P@ss-canary-7Qd2x";
    private readonly TestPortal _portal = new();
    private readonly ScriptedConnectionTester _tester = new();
    private readonly TestClock _clock = new();
    private ServiceProvider _provider;
    private IServiceScope _scope;

    public LastTestStatusTests() => (_provider, _scope) = StartProcess();

    public void Dispose()
    {
        _scope.Dispose();
        _provider.Dispose();
        _portal.Dispose();
    }

    // One "process": its singletons (TestedConnections and its key among them) live as long as the provider.
    private (ServiceProvider, IServiceScope) StartProcess()
    {
        var services = new ServiceCollection();
        _portal.AddPortalServices(services);
        services.AddSingleton<IConnectionTester>(_tester);
        services.AddSingleton<TimeProvider>(_clock);
        var provider = services.BuildServiceProvider();
        return (provider, provider.CreateScope());
    }

    private DestinationService Destinations => _scope.ServiceProvider.GetRequiredService<DestinationService>();

    private DestinationTestRunner Runner => _scope.ServiceProvider.GetRequiredService<DestinationTestRunner>();

    private static DestinationInput Form(string password = Canary) =>
        new() { Name = "warehouse", ServerName = "db.example.test", Username = "loader", Database = "sales", Password = password };

    private async Task<DestinationListItem> RowAsync(Guid id) =>
        Assert.Single((await Destinations.ListAsync(new DestinationListQuery())).Items, r => r.Id == id);

    private async Task<Guid> CreateAsync(DestinationInput input)
    {
        var result = await Destinations.CreateAsync(input);
        Assert.Equal(SaveStatus.Saved, result.Status);
        return result.Id!.Value;
    }

    private async Task UpdateAsync(Guid id, Action<DestinationInput> change)
    {
        var stored = (await Destinations.GetForEditAsync(id))!;
        var input = DestinationInput.From(stored.Definition);
        change(input);
        Assert.Equal(SaveStatus.Saved, (await Destinations.UpdateAsync(id, stored.Version, input)).Status);
    }

    /// <summary>Runs a test of the form (or, without one, of the stored destination) to its end with <paramref name="finish"/>.</summary>
    private async Task TestAsync(Guid? id, DestinationInput? form, Action<ScriptedRun> finish)
    {
        var events = form is null ? Runner.TestSavedAsync(id!.Value) : Runner.TestAsync(id, form with { });
        var draining = DrainAsync(events);
        finish(await _tester.NextRunAsync());
        await draining;
    }

    private static void Pass(ScriptedRun run) => run.SucceedAllStages();

    private static void Fail(ScriptedRun run) =>
        run.Finish(new ConnectionTestOutcome(false, ConnectionTestStage.TcpConnection, ConnectionTestCategory.Network, "Connection refused.", "Port", null, 9));

    private async Task<Guid> SavedAndPassedAsync()
    {
        var id = await CreateAsync(Form());
        await TestAsync(id, null, Pass);
        Assert.Equal(LastTestStatus.Passed, (await RowAsync(id)).LastTestStatus);
        return id;
    }

    [Theory]
    [InlineData(true, LastTestStatus.Passed)]
    [InlineData(false, LastTestStatus.Failed)]
    public async Task Add_TestedThenSavedUnchanged_CountsTheTest(bool passes, LastTestStatus expected)
    {
        var startedAt = _clock.GetUtcNow().UtcDateTime;
        await TestAsync(null, Form(), passes ? Pass : Fail);
        _clock.Advance(TimeSpan.FromMinutes(2));

        var row = await RowAsync(await CreateAsync(Form()));

        Assert.Equal(expected, row.LastTestStatus);
        Assert.Equal(passes, row.LastTestSucceeded);
        Assert.Equal(startedAt, row.LastTestAtUtc);
    }

    [Fact]
    public async Task Add_EditedAfterTheTest_IsNotTested()
    {
        await TestAsync(null, Form(), Pass);

        var row = await RowAsync(await CreateAsync(Form() with { Port = "6432" }));

        Assert.Equal(LastTestStatus.NotTested, row.LastTestStatus);
        Assert.Null(row.LastTestSucceeded);
        Assert.Null(row.LastTestAtUtc);
    }

    [Fact]
    public async Task Add_NameChangedAfterTheTest_StillCounts()
    {
        await TestAsync(null, Form(), Pass);

        Assert.Equal(LastTestStatus.Passed, (await RowAsync(await CreateAsync(Form() with { Name = "renamed" }))).LastTestStatus);
    }

    [Fact]
    public async Task Edit_ChangedAndTestedThenSaved_CountsTheTest()
    {
        var id = await SavedAndPassedAsync();
        var edited = Form("new secret") with { Port = "6432" };
        _clock.Advance(TimeSpan.FromMinutes(1));
        var startedAt = _clock.GetUtcNow().UtcDateTime;
        await TestAsync(id, edited, Fail);

        await UpdateAsync(id, i =>
        {
            i.Port = "6432";
            i.Password = "new secret";
        });

        var row = await RowAsync(id);
        Assert.Equal(LastTestStatus.Failed, row.LastTestStatus);
        Assert.Equal(startedAt, row.LastTestAtUtc);
    }

    [Fact]
    public async Task Edit_EditedAfterTheTest_IsNotTestedSinceChange()
    {
        var id = await SavedAndPassedAsync();
        await TestAsync(id, Form("new secret") with { Port = "6432" }, Pass);

        await UpdateAsync(id, i =>
        {
            i.Port = "6432";
            i.Database = "finance";
            i.Password = "new secret";
        });

        Assert.Equal(LastTestStatus.NotTestedSinceChange, (await RowAsync(id)).LastTestStatus);
    }

    public static TheoryData<string, Action<DestinationInput>> ConnectionChanges => new()
    {
        { "Port", i => i.Port = "6432" },
        { "Server Name", i => i.ServerName = "other.example.test" },
        { "TLS Mode", i => i.TlsMode = TlsMode.Require },
        { "Username", i => i.Username = "reader" },
        { "Database", i => i.Database = "finance" },
        { "Timeout", i => i.TimeoutSeconds = "30" },
        { "Windows Authentication", i => i.WindowsAuthentication = true },
        { "typed password", i => i.Password = Canary },
        { "cleared password", i => i.ClearPassword = true },
    };

    [Theory]
    [MemberData(nameof(ConnectionChanges))]
    public async Task Edit_ConnectionChangeAfterPassed_IsNotTestedSinceChangeAndKeepsTheTestTime(string change, Action<DestinationInput> edit)
    {
        var id = await SavedAndPassedAsync();
        var testedAt = (await RowAsync(id)).LastTestAtUtc;

        await UpdateAsync(id, edit);

        var row = await RowAsync(id);
        Assert.True(row.LastTestStatus == LastTestStatus.NotTestedSinceChange, change);
        Assert.Null(row.LastTestSucceeded);
        Assert.Equal(testedAt, row.LastTestAtUtc);
    }

    [Fact]
    public async Task Edit_NameOnly_KeepsPassed()
    {
        var id = await SavedAndPassedAsync();
        var before = await RowAsync(id);
        // Past the time a run counts for a save: only the rename rule can keep the status now.
        _clock.Advance(TestedConnections.CountsFor + TimeSpan.FromMinutes(1));

        await UpdateAsync(id, i => i.Name = "renamed");

        var row = await RowAsync(id);
        Assert.Equal(LastTestStatus.Passed, row.LastTestStatus);
        Assert.True(row.LastTestSucceeded);
        Assert.Equal(before.LastTestAtUtc, row.LastTestAtUtc);
    }

    [Fact]
    public async Task Edit_NeverTestedDestinationChanged_StaysNotTested()
    {
        var id = await CreateAsync(Form());

        await UpdateAsync(id, i => i.Port = "6432");

        Assert.Equal(LastTestStatus.NotTested, (await RowAsync(id)).LastTestStatus);
    }

    [Fact]
    public async Task TestSaved_Cancelled_IsCancelledNotFailed()
    {
        var id = await SavedAndPassedAsync();
        using var cancel = new CancellationTokenSource();
        var draining = DrainAsync(Runner.TestSavedAsync(id, cancellationToken: cancel.Token));
        var run = await _tester.NextRunAsync();

        await cancel.CancelAsync();
        await draining;

        var row = await RowAsync(id);
        Assert.Equal(LastTestStatus.Cancelled, row.LastTestStatus);
        Assert.Null(row.LastTestSucceeded);
        Assert.True(run.CancellationToken.IsCancellationRequested);
        var history = await _scope.ServiceProvider.GetRequiredService<ConnectionTestHistory>().LatestAsync(id);
        Assert.Equal(ConnectionTestCategory.Cancelled, history[0].Category);
    }

    [Fact]
    public async Task Add_CancelledTestThenSaved_DoesNotCount()
    {
        using var cancel = new CancellationTokenSource();
        var draining = DrainAsync(Runner.TestAsync(null, Form(), cancellationToken: cancel.Token));
        await _tester.NextRunAsync();
        await cancel.CancelAsync();
        await draining;

        Assert.Equal(LastTestStatus.NotTested, (await RowAsync(await CreateAsync(Form()))).LastTestStatus);
    }

    [Fact]
    public async Task Add_AnotherUsersTestOfTheSameDefinition_DoesNotCount()
    {
        _portal.User.Name = "bob";
        await TestAsync(null, Form(), Pass);
        _portal.User.Name = "alice";

        Assert.Equal(LastTestStatus.NotTested, (await RowAsync(await CreateAsync(Form()))).LastTestStatus);
    }

    [Fact]
    public async Task Add_TestWithAnotherPassword_DoesNotCount()
    {
        await TestAsync(null, Form("typed first"), Pass);

        Assert.Equal(LastTestStatus.NotTested, (await RowAsync(await CreateAsync(Form("saved instead")))).LastTestStatus);
    }

    [Fact]
    public async Task Add_NoTestAtAll_IsNotTested()
    {
        // Nothing a caller sends can claim a test: the service only finds runs the runner remembered.
        Assert.Equal(LastTestStatus.NotTested, (await RowAsync(await CreateAsync(Form()))).LastTestStatus);
    }

    [Fact]
    public async Task Add_TestOlderThanCountsFor_DoesNotCount()
    {
        await TestAsync(null, Form(), Pass);
        _clock.Advance(TestedConnections.CountsFor + TimeSpan.FromSeconds(1));

        Assert.Equal(LastTestStatus.NotTested, (await RowAsync(await CreateAsync(Form()))).LastTestStatus);
    }

    [Fact]
    public async Task Add_TestBeforeARestart_DoesNotCount()
    {
        await TestAsync(null, Form(), Pass);
        _scope.Dispose();
        _provider.Dispose();
        (_provider, _scope) = StartProcess();

        Assert.Equal(LastTestStatus.NotTested, (await RowAsync(await CreateAsync(Form()))).LastTestStatus);
    }

    [Fact]
    public async Task TestSaved_ConnectionSavedDuringTheRun_DoesNotMarkTheNewDefinition()
    {
        var id = await CreateAsync(Form());
        var draining = DrainAsync(Runner.TestSavedAsync(id));
        var run = await _tester.NextRunAsync();

        await UpdateAsync(id, i => i.Port = "6432");
        run.SucceedAllStages();
        await draining;

        Assert.Equal(LastTestStatus.NotTested, (await RowAsync(id)).LastTestStatus);
    }

    [Fact]
    public async Task Import_ChangingAConnectionField_IsNotTestedSinceChange()
    {
        var id = await SavedAndPassedAsync();
        var transfer = _scope.ServiceProvider.GetRequiredService<DestinationTransfer>();
        var document = await transfer.ExportAsync([id]);
        var changed = document with { Destinations = [document.Destinations[0] with { Port = 6432 }] };

        var result = await transfer.ImportAsync(DestinationTransfer.Serialize(changed), dryRun: false);

        Assert.True(result.Applied);
        Assert.Equal(LastTestStatus.NotTestedSinceChange, (await RowAsync(id)).LastTestStatus);
    }

    private static async Task DrainAsync(IAsyncEnumerable<ConnectionTestEvent> events)
    {
        await foreach (var _ in events)
        {
        }
    }
}
