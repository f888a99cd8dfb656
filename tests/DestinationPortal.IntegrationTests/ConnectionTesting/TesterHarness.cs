using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

/// <summary>Builds testers and destinations the way the portal would, and checks what every run must satisfy.</summary>
internal static class TesterHarness
{
    // Generous against a slow CI machine, and still a hard bound on every test.
    private static readonly TimeSpan s_runLimit = TimeSpan.FromSeconds(30);

    public static ConnectionTester CreateTester(
        ConnectionTestingOptions? options = null,
        IHostNameResolver? resolver = null,
        ConnectionTestGate? gate = null,
        string user = "alice") =>
        new(Options.Create(options ?? new ConnectionTestingOptions()),
            gate ?? new ConnectionTestGate(),
            new TestCurrentUser(user, DestinationPortal.Core.Access.PortalRole.Editor, "127.0.0.1"),
            resolver ?? new DnsHostNameResolver(),
            TimeProvider.System,
            NullLogger<ConnectionTester>.Instance);

    public static DestinationDefinition Destination(
        int port,
        string user,
        TlsMode tls = TlsMode.Prefer,
        string server = "127.0.0.1",
        string? privateEndpoint = null,
        string database = "postgres",
        string? caPem = null,
        int timeoutSeconds = 5,
        bool windowsAuthentication = false) =>
        new("Test destination", PostgreSqlDestinationType.Id, server, tls, privateEndpoint, port, windowsAuthentication, user, database, caPem, timeoutSeconds, "postgres");

    public static async Task<IReadOnlyList<ConnectionTestEvent>> RunAsync(
        DestinationDefinition destination,
        string? password,
        ConnectionTester? tester = null)
    {
        using var limit = new CancellationTokenSource(s_runLimit);
        var events = new List<ConnectionTestEvent>();
        await foreach (var item in (tester ?? CreateTester()).RunAsync(new ConnectionTestRequest(Guid.NewGuid(), destination, password), limit.Token))
        {
            events.Add(item);
        }

        AssertWellFormed(events, password);
        return events;
    }

    public static ConnectionTestOutcome Outcome(IReadOnlyList<ConnectionTestEvent> events) => events[^1].Outcome!;

    /// <summary>The last event a stage reported, i.e. its final status.</summary>
    public static ConnectionTestEvent Last(IReadOnlyList<ConnectionTestEvent> events, ConnectionTestStage stage) => events.Last(e => e.Stage == stage);

    public static string Detail(ConnectionTestEvent item, string label) => item.Details.First(d => d.Label == label).Value;

    public static void AssertFailed(IReadOnlyList<ConnectionTestEvent> events, ConnectionTestStage stage, ConnectionTestCategory category, string? field)
    {
        var outcome = Outcome(events);
        Assert.False(outcome.Succeeded, events.ToReportText());
        Assert.Equal(stage, outcome.ProblemStage);
        Assert.Equal(category, outcome.Category);
        Assert.Equal(field, outcome.FieldToFix);
        Assert.Equal(ConnectionTestStatus.Failed, Last(events, stage).Status);
    }

    public static void AssertSucceeded(IReadOnlyList<ConnectionTestEvent> events)
    {
        var outcome = Outcome(events);
        Assert.True(outcome.Succeeded, events.ToReportText());
        Assert.NotEqual(ConnectionTestStatus.Failed, Last(events, ConnectionTestStage.Database).Status);
    }

    public static void AssertWellFormed(IReadOnlyList<ConnectionTestEvent> events, string? password)
    {
        Assert.NotEmpty(events);
        Assert.Single(events, e => e.Stage == ConnectionTestStage.Result);
        Assert.Equal(ConnectionTestStage.Result, events[^1].Stage);
        Assert.NotNull(events[^1].Outcome);
        Assert.All(events, e => Assert.Equal(events[0].RunId, e.RunId));
        Assert.True(events.Select(e => e.ElapsedMilliseconds).SequenceEqual(events.Select(e => e.ElapsedMilliseconds).Order()), "Elapsed times must not go backwards.");
        if (!string.IsNullOrEmpty(password))
        {
            Assert.DoesNotContain(password, events.ToReportText(), StringComparison.Ordinal);
        }
    }
}
