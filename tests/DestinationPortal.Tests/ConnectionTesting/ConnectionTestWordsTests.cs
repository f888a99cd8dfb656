using DestinationPortal.Tests.Infrastructure;
using System.Net.Sockets;
using DestinationPortal.Core.ConnectionTesting;

namespace DestinationPortal.Tests.ConnectionTesting;

/// <summary>What a person reads for each stage, status and category: words, never the enum names the API keeps.</summary>
public sealed class ConnectionTestWordsTests
{
    private static readonly Dictionary<ConnectionTestStage, string> StageWords = new()
    {
        [ConnectionTestStage.NameResolution] = "Name resolution",
        [ConnectionTestStage.TcpConnection] = "TCP connection",
        [ConnectionTestStage.Tls] = "TLS",
        [ConnectionTestStage.Authentication] = "Authentication",
        [ConnectionTestStage.Database] = "Database",
        [ConnectionTestStage.Result] = "Result",
    };

    private static readonly Dictionary<ConnectionTestStatus, string> StatusWords = new()
    {
        [ConnectionTestStatus.Running] = "Running",
        [ConnectionTestStatus.Succeeded] = "Succeeded",
        [ConnectionTestStatus.Warning] = "Warning",
        [ConnectionTestStatus.Failed] = "Failed",
        [ConnectionTestStatus.Skipped] = "Skipped",
    };

    private static readonly Dictionary<ConnectionTestCategory, string> CategoryWords = new()
    {
        [ConnectionTestCategory.Network] = "Network",
        [ConnectionTestCategory.Tls] = "TLS",
        [ConnectionTestCategory.Authentication] = "Authentication",
        [ConnectionTestCategory.Database] = "Database",
        [ConnectionTestCategory.Permissions] = "Permissions",
        [ConnectionTestCategory.Timeout] = "Timeout",
        [ConnectionTestCategory.Cancelled] = "Cancelled",
        [ConnectionTestCategory.NotPostgreSql] = "Not PostgreSQL",
        [ConnectionTestCategory.RefusedByPolicy] = "Refused by network policy",
        [ConnectionTestCategory.Busy] = "Portal busy",
        [ConnectionTestCategory.Configuration] = "Configuration",
    };

    private static readonly Dictionary<LastTestStatus, string> LastTestWords = new()
    {
        [LastTestStatus.NotTested] = "Not tested",
        [LastTestStatus.Passed] = "Passed",
        [LastTestStatus.Failed] = "Failed",
        [LastTestStatus.Cancelled] = "Cancelled",
        [LastTestStatus.NotTestedSinceChange] = "Not tested since change",
    };

    [Fact]
    public void Describe_EveryStageStatusAndCategory_HasItsWords()
    {
        Assert.Equal(LastTestWords, Enum.GetValues<LastTestStatus>().ToDictionary(s => s, s => s.Describe()));
        // Enum.GetValues, not the tables above: a value added to an enum without words fails here.
        Assert.Equal(StageWords, Enum.GetValues<ConnectionTestStage>().ToDictionary(s => s, s => s.Describe()));
        Assert.Equal(StatusWords, Enum.GetValues<ConnectionTestStatus>().ToDictionary(s => s, s => s.Describe()));
        Assert.Equal(CategoryWords, Enum.GetValues<ConnectionTestCategory>().ToDictionary(c => c, c => c.Describe()));
    }

    [Theory]
    [InlineData(ConnectionTestStage.Tls, ConnectionTestCategory.Tls, "Failed: TLS")]
    [InlineData(ConnectionTestStage.Tls, ConnectionTestCategory.NotPostgreSql, "Failed: TLS (Not PostgreSQL)")]
    [InlineData(ConnectionTestStage.NameResolution, ConnectionTestCategory.Network, "Failed: Name resolution (Network)")]
    [InlineData(null, ConnectionTestCategory.RefusedByPolicy, "Failed: Result (Refused by network policy)")]
    public void FailedOutcome_ForTheAuditTrail_SaysStageAndCategoryInWords(ConnectionTestStage? stage, ConnectionTestCategory category, string expected) =>
        Assert.Equal(expected, ConnectionTestWords.FailedOutcome(new ConnectionTestOutcome(false, stage, category, "why", null, null, 10)));

    [Theory]
    [InlineData(SocketError.HostNotFound, "no such host")]
    [InlineData(SocketError.ConnectionRefused, "connection refused")]
    [InlineData(SocketError.NetworkUnreachable, "network unreachable")]
    public void Describe_SocketError_SaysWhatHappened(SocketError error, string expected) =>
        Assert.Equal(expected, error.Describe());

    [Fact]
    public void ToReportText_FailedRun_NamesStagesStatusesAndCategoryInWords()
    {
        var run = Guid.NewGuid();
        ConnectionTestEvent[] events =
        [
            new(run, ConnectionTestStage.NameResolution, ConnectionTestStatus.Succeeded, "Resolved.", [], 3),
            new(run, ConnectionTestStage.TcpConnection, ConnectionTestStatus.Succeeded, "Connected.", [], 5),
            new(run, ConnectionTestStage.Tls, ConnectionTestStatus.Failed, "Not a PostgreSQL server.", [], 9),
            new(run, ConnectionTestStage.Result, ConnectionTestStatus.Failed, "Failed.", [], 9,
                new ConnectionTestOutcome(false, ConnectionTestStage.Tls, ConnectionTestCategory.NotPostgreSql, "Check Port.", "Port", null, 9)),
        ];

        var text = events.ToReportText();

        Assert.Contains("] Name resolution Succeeded: Resolved.", text);
        Assert.Contains("] TCP connection Succeeded: Connected.", text);
        Assert.Contains("] TLS Failed: Not a PostgreSQL server.", text);
        Assert.Contains("    Stage: TLS" + Environment.NewLine, text);
        Assert.Contains("    Category: Not PostgreSQL" + Environment.NewLine, text);
        Assert.DoesNotContain("NameResolution", text);
        Assert.DoesNotContain("TcpConnection", text);
        Assert.DoesNotContain("NotPostgreSql", text);
    }

    [Fact]
    public void Describe_UnderGerman_SaysTheGlossaryWords()
    {
        using (UiCulture.Use("de-DE"))
        {
            Assert.Equal("Namensauflösung", ConnectionTestStage.NameResolution.Describe());
            Assert.Equal("TCP-Verbindung", ConnectionTestStage.TcpConnection.Describe());
            Assert.Equal("Fehlgeschlagen", ConnectionTestStatus.Failed.Describe());
            Assert.Equal("Von der Netzwerkrichtlinie abgelehnt", ConnectionTestCategory.RefusedByPolicy.Describe());
            Assert.Equal("Seit Änderung nicht getestet", LastTestStatus.NotTestedSinceChange.Describe());
            Assert.Equal("Verbindung abgelehnt", SocketError.ConnectionRefused.Describe());
            // Every value has a German word that is not the English one (TLS excepted: it is TLS in German too).
            Assert.All(Enum.GetValues<ConnectionTestStage>().Where(s => s != ConnectionTestStage.Tls), s => Assert.NotEqual(StageWords[s], s.Describe()));
            Assert.All(Enum.GetValues<ConnectionTestStatus>(), s => Assert.NotEqual(StatusWords[s], s.Describe()));
            Assert.All(Enum.GetValues<ConnectionTestCategory>().Where(c => c is not ConnectionTestCategory.Tls and not ConnectionTestCategory.Timeout),
                c => Assert.NotEqual(CategoryWords[c], c.Describe()));
            Assert.All(Enum.GetValues<LastTestStatus>(), s => Assert.NotEqual(LastTestWords[s], s.Describe()));
        }
    }

    [Theory]
    [InlineData(ConnectionTestStage.NameResolution, ConnectionTestCategory.Network, "Failed: Name resolution (Network)")]
    [InlineData(ConnectionTestStage.Authentication, ConnectionTestCategory.Permissions, "Failed: Authentication (Permissions)")]
    [InlineData(ConnectionTestStage.Tls, ConnectionTestCategory.Tls, "Failed: TLS")]
    public void FailedOutcome_UnderGerman_StaysEnglishForTheAuditTrail(ConnectionTestStage stage, ConnectionTestCategory category, string expected)
    {
        using (UiCulture.Use("de-DE"))
        {
            Assert.Equal(expected, ConnectionTestWords.FailedOutcome(new ConnectionTestOutcome(false, stage, category, "warum", null, null, 10)));
        }
    }
}
