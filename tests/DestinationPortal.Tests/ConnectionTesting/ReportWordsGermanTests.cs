using DestinationPortal.Tests.Infrastructure;
using System.Net;
using DestinationPortal.Core.ConnectionTesting;

namespace DestinationPortal.Tests.ConnectionTesting;

/// <summary>
/// The copied report, the verdict sentences and the policy's refusals in German: headings, labels and the portal's
/// own sentences follow the UI culture, while what the run quotes (messages, server text, SQLSTATE, field keys) stays
/// as it was written. The English texts are the ones the other tests already pin.
/// </summary>
public sealed class ReportWordsGermanTests
{
    private static readonly Guid Run = Guid.NewGuid();

    private static ConnectionTestEvent[] FailedRun() =>
    [
        new(Run, ConnectionTestStage.TcpConnection, ConnectionTestStatus.Succeeded, "Connected.", [new("Adresse", "127.0.0.1")], 5),
        new(Run, ConnectionTestStage.Tls, ConnectionTestStatus.Failed, "server said: FATAL no", [], 9),
        new(Run, ConnectionTestStage.Result, ConnectionTestStatus.Failed, "Prüfen Sie den Port.", [], 1234,
            new ConnectionTestOutcome(false, ConnectionTestStage.Tls, ConnectionTestCategory.NotPostgreSql, "Prüfen Sie den Port.", "Port", "08P01", 1234)),
    ];

    [Fact]
    public void ToReportText_UnderGerman_WritesGermanHeadingsAndLabelsAndKeepsWhatTheRunQuoted()
    {
        string text;
        using (UiCulture.Use("de-DE"))
        {
            text = FailedRun().ToReportText();
        }

        Assert.Contains("] TCP-Verbindung Erfolgreich: Connected." + Environment.NewLine, text);
        Assert.Contains("] TLS Fehlgeschlagen: server said: FATAL no" + Environment.NewLine, text);
        Assert.Contains("    Adresse: 127.0.0.1" + Environment.NewLine, text);
        Assert.Contains("    Ergebnis: fehlgeschlagen" + Environment.NewLine, text);
        Assert.Contains("    Stufe: TLS" + Environment.NewLine, text);
        Assert.Contains("    Kategorie: Kein PostgreSQL" + Environment.NewLine, text);
        Assert.Contains("    Zu korrigierendes Feld: Port" + Environment.NewLine, text);
        Assert.Contains("    SQLSTATE: 08P01" + Environment.NewLine, text);
        // A count of milliseconds, never grouped ("1.234" would read as a decimal to an English reader of the ticket).
        Assert.Contains("[  1234 ms]", text);
        Assert.Contains("    Gesamt: 1234 ms" + Environment.NewLine, text);
        Assert.DoesNotContain("Outcome", text);
        Assert.DoesNotContain("Category", text);
        Assert.DoesNotContain("Field to fix", text);
    }

    [Fact]
    public void ToReportText_UnderEnglish_KeepsTheEnglishLabelsByteForByte()
    {
        string text;
        using (UiCulture.Use("en-GB"))
        {
            text = FailedRun().ToReportText();
        }

        var nl = Environment.NewLine;
        Assert.EndsWith(
            $"[  1234 ms] Result Failed: Prüfen Sie den Port.{nl}    Outcome: failed{nl}    Stage: TLS{nl}    Category: Not PostgreSQL{nl}" +
            $"    Field to fix: Port{nl}    SQLSTATE: 08P01{nl}    Total: 1234 ms{nl}",
            text);
    }

    [Fact]
    public void ToReportText_OverTheSizeLimitUnderGerman_SaysSoInGermanWithinTheLimit()
    {
        var big = new string('x', ReportText.MaxFieldLength);
        var events = Enumerable.Range(0, 40)
            .Select(i => new ConnectionTestEvent(Run, ConnectionTestStage.Database, ConnectionTestStatus.Running, "m", [new("d", big)], i))
            .ToList();
        string text;
        using (UiCulture.Use("de-DE"))
        {
            text = events.ToReportText();
        }

        Assert.True(text.Length <= ReportText.MaxReportLength, $"{text.Length} characters");
        Assert.EndsWith($"[Bericht nach {ReportText.MaxReportLength} Zeichen abgeschnitten]" + Environment.NewLine, text);
    }

    [Fact]
    public void Bound_OverlongTextUnderGerman_SaysInGermanHowLongItWas()
    {
        using (UiCulture.Use("de-DE"))
        {
            Assert.EndsWith("… [gekürzt: 5000 Zeichen insgesamt]", ReportText.Bound(new string('a', 5000)));
        }

        Assert.EndsWith("… [truncated: 5000 characters in all]", ReportText.Bound(new string('a', 5000)));
    }

    [Fact]
    public void StageInSentence_InEnglish_LowerCaseButAcronyms_InGermanTheCapitalisedNoun()
    {
        using (UiCulture.Use("en-US"))
        {
            // Enum.GetValues: a stage added without its words fails here.
            Assert.Equal(
                ["name resolution", "TCP connection", "TLS", "authentication", "database", "result"],
                Enum.GetValues<ConnectionTestStage>().Select(Verdict.StageInSentence));
        }

        using (UiCulture.Use("de-DE"))
        {
            // In a German sentence the stage is quoted as the noun the report's stage list shows, capital kept.
            Assert.All(Enum.GetValues<ConnectionTestStage>(), s => Assert.Equal(s.Describe(), Verdict.StageInSentence(s)));
        }
    }

    [Fact]
    public void Check_UnderGerman_ExplainsTheRefusalInGerman()
    {
        var policy = new NetworkPolicy(new ConnectionTestingOptions { AllowedNetworks = ["10.0.0.0/8"], AllowedPorts = [5432] });
        using (UiCulture.Use("de-DE"))
        {
            Assert.Equal("169.254.169.254 liegt im gesperrten Netzwerk 169.254.0.0/16.", policy.Check(IPAddress.Parse("169.254.169.254"), 5432));
            Assert.Equal("192.168.1.1 liegt in keinem zugelassenen Netzwerk.", policy.Check(IPAddress.Parse("192.168.1.1"), 5432));
            Assert.Equal("Port 15432 ist kein zugelassener Port.", policy.Check(IPAddress.Parse("10.1.1.1"), 15432));
            Assert.Equal("64:ff9b::a9fe:a9fe (enthält die IPv4-Adresse 169.254.169.254) liegt im gesperrten Netzwerk 169.254.0.0/16.",
                policy.Check(IPAddress.Parse("64:ff9b::a9fe:a9fe"), 5432));
        }

        Assert.Equal("192.168.1.1 is not in any allowed network.", policy.Check(IPAddress.Parse("192.168.1.1"), 5432));
        Assert.Equal("Port 15432 is not an allowed port.", policy.Check(IPAddress.Parse("10.1.1.1"), 15432));
    }

    [Fact]
    public async Task Admit_GateFullUnderGerman_RefusesAsBusyInGerman()
    {
        var options = new ConnectionTestingOptions { MaxConcurrentTests = 1, MaxConcurrentTestsPerUser = 1 };
        var gate = new ConnectionTestGate();
        using var held = gate.TryEnter("alice", 1, 1);
        var policy = new ConnectionTestPolicy(options, gate);

        Verdict? refusal;
        using (UiCulture.Use("de-DE"))
        {
            (refusal, _) = await policy.AdmitAsync("alice", TimeSpan.FromSeconds(10), CancellationToken.None);
        }

        Assert.Equal(ConnectionTestCategory.Busy, refusal!.Category);
        Assert.Equal("Es laufen zu viele Verbindungstests (höchstens 1 pro Benutzer und 1 insgesamt). Versuchen Sie es erneut, wenn einer beendet ist.",
            refusal.Explanation);
    }

    [Fact]
    public async Task Admit_TestingDisabledUnderGerman_RefusesByPolicyInGerman()
    {
        var policy = new ConnectionTestPolicy(new ConnectionTestingOptions { Mode = ConnectionTestingMode.Disabled }, new ConnectionTestGate());

        Verdict? refusal;
        using (UiCulture.Use("de-DE"))
        {
            (refusal, _) = await policy.AdmitAsync("alice", TimeSpan.FromSeconds(10), CancellationToken.None);
        }

        Assert.Equal(ConnectionTestCategory.RefusedByPolicy, refusal!.Category);
        Assert.Equal("„Verbindung testen“ ist auf diesem Portal ausgeschaltet (ConnectionTesting:Mode).", refusal.Explanation);
    }
}
