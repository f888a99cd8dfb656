using System.Globalization;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using DestinationPortal.IntegrationTests.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

/// <summary>Test Connection as the screens run it: which password may be sent, and what is recorded.</summary>
[Collection(PostgreSqlTestGroup.Name)]
public sealed class DestinationTestRunnerTests(PostgreSqlServers servers) : IAsyncLifetime
{
    private readonly PortalApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private DestinationInput SavedInput() => new()
    {
        Name = "scram",
        ServerName = "127.0.0.1",
        Port = servers.Tls.Port.ToString(CultureInfo.InvariantCulture),
        TlsMode = TlsMode.Require,
        Username = TestRoles.Scram,
        Database = "postgres",
    };

    private Task<Guid> SeedAsync() => _app.WithScopeAsync(async services =>
    {
        var input = SavedInput();
        input.Password = TestRoles.ScramPassword;
        return (await services.GetRequiredService<DestinationService>().CreateAsync(input)).Id!.Value;
    });

    private Task<List<ConnectionTestEvent>> RunAsync(Guid? id, DestinationInput input) => _app.WithScopeAsync(async services =>
    {
        var events = new List<ConnectionTestEvent>();
        await foreach (var item in services.GetRequiredService<DestinationTestRunner>().TestAsync(id, input))
        {
            events.Add(item);
        }

        return events;
    });

    private Task<(bool? LastTest, IReadOnlyList<ConnectionTestRunRecord> Runs)> StoredStateAsync(Guid id) => _app.WithScopeAsync(async services =>
    {
        var row = (await services.GetRequiredService<DestinationService>().ListAsync(new DestinationListQuery())).Items.Single(d => d.Id == id);
        return (row.LastTestSucceeded, await services.GetRequiredService<ConnectionTestHistory>().LatestAsync(id));
    });

    [Fact]
    public async Task Test_UnchangedSavedDestination_UsesTheStoredPasswordAndRecordsTheResult()
    {
        var id = await SeedAsync();

        var events = await RunAsync(id, SavedInput());

        Assert.True(events[^1].Outcome!.Succeeded, events[^1].Message);
        var (lastTest, runs) = await StoredStateAsync(id);
        Assert.True(lastTest);
        Assert.False(Assert.Single(runs).TestedUnsavedChanges);
    }

    [Fact]
    public async Task TestSaved_AfterAnUpdateThatKeepsTheTarget_StillAuthenticatesWithTheStoredPassword()
    {
        var id = await SeedAsync();
        var result = await _app.WithScopeAsync(async services =>
        {
            var service = services.GetRequiredService<DestinationService>();
            var stored = await service.GetForEditAsync(id);
            var edited = SavedInput();
            edited.Name = "scram renamed";
            edited.TimeoutSeconds = "20";
            return await service.UpdateAsync(id, stored!.Version, edited);
        });

        var events = await _app.WithScopeAsync(async services =>
        {
            var list = new List<ConnectionTestEvent>();
            await foreach (var item in services.GetRequiredService<DestinationTestRunner>().TestSavedAsync(id))
            {
                list.Add(item);
            }

            return list;
        });

        Assert.Empty(result.PasswordRemovedBecause);
        Assert.True(events[^1].Outcome!.Succeeded, events[^1].Message);
    }

    [Fact]
    public async Task Test_ChangedPortWithoutTypedPassword_NeverSendsTheStoredPasswordThere()
    {
        var id = await SeedAsync();
        await using var capture = FakeServer.Silent();
        var input = SavedInput();
        input.Port = capture.Port.ToString(CultureInfo.InvariantCulture);

        var events = await RunAsync(id, input);

        var result = Assert.Single(events);
        Assert.False(result.Outcome!.Succeeded);
        Assert.Equal(nameof(DestinationInput.Password), result.Outcome.FieldToFix);
        Assert.Contains("saved password is not sent", result.Message);
        Assert.Equal(0, capture.Accepted);
    }

    [Theory]
    [InlineData(nameof(DestinationInput.ServerName))]
    [InlineData(nameof(DestinationInput.Username))]
    [InlineData(nameof(DestinationInput.Database))]
    [InlineData(nameof(DestinationInput.PrivateEndpoint))]
    public async Task Test_ChangedTargetField_RequiresThePasswordAgain(string field)
    {
        var id = await SeedAsync();
        var input = SavedInput();
        switch (field)
        {
            case nameof(DestinationInput.ServerName):
                input.ServerName = "localhost";
                break;
            case nameof(DestinationInput.Username):
                input.Username = TestRoles.Md5;
                break;
            case nameof(DestinationInput.Database):
                input.Database = "template1";
                break;
            default:
                input.UsePrivateEndpoint = true;
                input.PrivateEndpoint = "127.0.0.1";
                break;
        }

        var events = await RunAsync(id, input);

        Assert.Equal(nameof(DestinationInput.Password), Assert.Single(events).Outcome!.FieldToFix);
    }

    [Fact]
    public async Task Test_TypedWrongPassword_IsRecordedAsUnsavedAndLeavesTheLastResultAlone()
    {
        var id = await SeedAsync();
        var input = SavedInput();
        input.Password = "Wrong-canary-pass-9";

        var events = await RunAsync(id, input);

        Assert.Equal("28P01", events[^1].Outcome!.SqlState);
        var (lastTest, runs) = await StoredStateAsync(id);
        Assert.Null(lastTest);
        var run = Assert.Single(runs);
        Assert.True(run.TestedUnsavedChanges);
        Assert.False(run.Succeeded);
        Assert.DoesNotContain("Wrong-canary-pass-9", run.ReportText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_InvalidForm_IsRefusedWithoutConnecting()
    {
        var input = SavedInput();
        input.Port = "0";

        var events = await RunAsync(null, input);

        var result = Assert.Single(events);
        Assert.Equal(ConnectionTestCategory.Configuration, result.Outcome!.Category);
        Assert.Equal(nameof(DestinationInput.Port), result.Outcome.FieldToFix);
    }

    [Fact]
    public async Task History_KeepsTheLatestTwentyRuns()
    {
        var id = await SeedAsync();
        for (var i = 0; i < ConnectionTestHistory.RunsKept + 2; i++)
        {
            await RunAsync(id, SavedInput());
        }

        var (_, runs) = await StoredStateAsync(id);

        Assert.Equal(ConnectionTestHistory.RunsKept, runs.Count);
        Assert.True(runs.Zip(runs.Skip(1)).All(pair => pair.First.StartedAtUtc >= pair.Second.StartedAtUtc));
    }
}
