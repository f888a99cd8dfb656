using System.Globalization;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using static DestinationPortal.IntegrationTests.ConnectionTesting.TesterHarness;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

/// <summary>
/// A run's report is written in the language of whoever started it: the same run under English and German reaches the
/// same stages, statuses, category and field to fix, only the words differ; and the language is the one at the start,
/// whatever the reading thread's culture is afterwards.
/// </summary>
public sealed class ReportLanguageTests
{
    [Fact]
    public async Task RunAsync_RefusedPortInEnglishAndGerman_SameVerdictInEachLanguage()
    {
        var destination = Destination(FreePort.Next(), TestRoles.Scram);

        var english = await RunUnder("en-US", destination);
        var german = await RunUnder("de-DE", destination);

        AssertFailed(english, ConnectionTestStage.TcpConnection, ConnectionTestCategory.Network, nameof(DestinationInput.Port));
        AssertFailed(german, ConnectionTestStage.TcpConnection, ConnectionTestCategory.Network, nameof(DestinationInput.Port));
        Assert.Equal(english.Select(e => (e.Stage, e.Status)), german.Select(e => (e.Stage, e.Status)));
        var tcp = Last(german, ConnectionTestStage.TcpConnection).Message;
        Assert.StartsWith("Verbindung zu 127.0.0.1:", tcp, StringComparison.Ordinal);
        Assert.Contains($"Port {destination.Port}", tcp, StringComparison.Ordinal);
        Assert.Contains("listen_addresses", tcp, StringComparison.Ordinal);
        Assert.StartsWith("Connection refused at 127.0.0.1:", Last(english, ConnectionTestStage.TcpConnection).Message, StringComparison.Ordinal);
        Assert.Contains("Verbindung abgelehnt", Outcome(german).Explanation + string.Concat(german.SelectMany(e => e.Details).Select(d => d.Value)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_StartedUnderGerman_StaysGermanAfterTheReaderSwitchesToEnglish()
    {
        var destination = Destination(FreePort.Next(), TestRoles.Scram);
        var previous = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        var events = new List<ConnectionTestEvent>();
        try
        {
            SetCulture("de-DE");
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await using var run = CreateTester().RunAsync(new ConnectionTestRequest(Guid.NewGuid(), destination, TestRoles.ScramPassword), limit.Token)
                .GetAsyncEnumerator(limit.Token);
            Assert.True(await run.MoveNextAsync());
            events.Add(run.Current);
            // The run has started; the reader (a page, a hub) may be anywhere now, in any culture.
            SetCulture("en-US");
            while (await run.MoveNextAsync())
            {
                events.Add(run.Current);
            }
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = previous;
        }

        AssertWellFormed(events, TestRoles.ScramPassword);
        AssertFailed(events, ConnectionTestStage.TcpConnection, ConnectionTestCategory.Network, nameof(DestinationInput.Port));
        Assert.StartsWith("Verbindung zu 127.0.0.1:", Last(events, ConnectionTestStage.TcpConnection).Message, StringComparison.Ordinal);
        Assert.StartsWith("Verbindung zu 127.0.0.1:", Outcome(events).Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_UnresolvableNameInGerman_SaysSoInGermanWithTheSameVerdict()
    {
        var destination = Destination(FreePort.Next(), TestRoles.Scram, server: "no-such-host.invalid");

        var english = await RunUnder("en-US", destination);
        var german = await RunUnder("de-DE", destination);

        AssertFailed(english, ConnectionTestStage.NameResolution, ConnectionTestCategory.Network, nameof(DestinationInput.ServerName));
        AssertFailed(german, ConnectionTestStage.NameResolution, ConnectionTestCategory.Network, nameof(DestinationInput.ServerName));
        Assert.StartsWith("The name 'no-such-host.invalid' could not be resolved", Outcome(english).Explanation, StringComparison.Ordinal);
        Assert.StartsWith("Der Name „no-such-host.invalid“ konnte nicht aufgelöst werden", Outcome(german).Explanation, StringComparison.Ordinal);
        Assert.Equal("no-such-host.invalid", Detail(Last(german, ConnectionTestStage.NameResolution), "Verwendeter Host"));
    }

    private static async Task<IReadOnlyList<ConnectionTestEvent>> RunUnder(string culture, DestinationDefinition destination)
    {
        var previous = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            SetCulture(culture);
            return await RunAsync(destination, TestRoles.ScramPassword);
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = previous;
        }
    }

    private static void SetCulture(string name) =>
        (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (CultureInfo.GetCultureInfo(name), CultureInfo.GetCultureInfo(name));
}
