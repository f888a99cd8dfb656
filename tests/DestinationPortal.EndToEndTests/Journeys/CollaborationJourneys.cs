using DestinationPortal.EndToEndTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DestinationPortal.EndToEndTests.Journeys;

/// <summary>Journey 7: two administrators with the same destination open, in two separate browser contexts.</summary>
[Collection(PortalTestGroup.Name)]
public sealed class CollaborationJourneys(PortalFixture portal) : IAsyncLifetime
{
    private IBrowserContext _first = null!;
    private IBrowserContext _second = null!;

    public async Task InitializeAsync()
    {
        _first = await portal.NewContextAsync();
        _second = await portal.NewContextAsync();
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Fact]
    public async Task SameDestinationInTwoBrowsers_TestSeenLiveInTheOther_ConflictingSaveExplained()
    {
        // A server that accepts and never answers keeps the test running for as long as the journey needs.
        await using var silent = FakeServer.Silent();
        var token = Unique.Token();
        var name = $"shared-{token}";
        var first = await portal.Session.OpenAsync(_first);
        await DestinationForm.CreateAsync(first, new DestinationValues(name)
        {
            ServerName = "127.0.0.1",
            TlsMode = "Prefer",
            Port = silent.Port,
            Username = "loader",
            Password = "shared-password-" + token,
            Database = "postgres",
            TimeoutSeconds = 60,
        });
        await DestinationForm.OpenAsync(first, name);
        var second = await portal.Session.OpenAsync(_second);
        await DestinationForm.OpenAsync(second, name);

        await DestinationForm.Button(first, "Test Connection").ClickAsync();

        // The second browser shows the run while it is still running: the TLS stage waits, there is no result yet.
        await Expect(TestReport.Panel(second)).ToContainTextAsync($"started by {PortalFixture.AdminName}");
        await Expect(TestReport.Stage(second, "TcpConnection")).ToHaveAttributeAsync("data-status", "Succeeded");
        await Expect(TestReport.Stage(second, "Tls")).ToHaveAttributeAsync("data-status", "Running");
        await Expect(TestReport.Result(second)).ToHaveCountAsync(0);
        await Expect(TestReport.Result(first)).ToHaveCountAsync(0);

        // The person who started it cancels; both see the same end.
        await TestReport.Panel(first).GetByRole(AriaRole.Button, new() { Name = "Cancel test", Exact = true }).ClickAsync();
        await Expect(TestReport.Result(first)).ToContainTextAsync("The test was cancelled during the TLS stage.");
        await Expect(TestReport.Result(second)).ToContainTextAsync("The test was cancelled during the TLS stage.");
        await Expect(TestReport.Stage(second, "Tls")).ToHaveAttributeAsync("data-status", "Failed");

        // Both edit; the first saves; the second's save is refused with who changed it, and Reload shows their version.
        await DestinationForm.Field(first, "Database").FillAsync($"first_{token}");
        await DestinationForm.Field(second, "Timeout (s)").FillAsync("15");
        await DestinationForm.SaveAsync(first, name, passwordRemovedBecause: "Database");

        await DestinationForm.Button(second, "Save").ClickAsync();
        var conflict = second.GetByTestId("conflict");
        await Expect(conflict).ToContainTextAsync($"{PortalFixture.AdminName} saved this destination at");
        await Expect(conflict).ToContainTextAsync("Your changes are not saved.");
        await Expect(second.GetByRole(AriaRole.Heading, new() { Name = $"Destination Details: {name}" })).ToBeVisibleAsync();

        await conflict.GetByRole(AriaRole.Button, new() { Name = "Reload", Exact = true }).ClickAsync();
        await Expect(conflict).ToHaveCountAsync(0);
        await Expect(DestinationForm.Field(second, "Database")).ToHaveValueAsync($"first_{token}");
        await Expect(DestinationForm.Field(second, "Timeout (s)")).ToHaveValueAsync("60");
    }
}
