using DestinationPortal.Core.Destinations;

namespace DestinationPortal.Tests.Destinations;

/// <summary>What an import plan says about each changed field: old → new in words, never a secret's value.</summary>
public sealed class DefinitionChangesTests
{
    private const string CertificateBody = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQk\n-----END CERTIFICATE-----";

    private static readonly DestinationDefinition Saved = new(
        "warehouse", PostgreSqlDestinationType.Id, "db.example.test", TlsMode.VerifyFull, null, 5432, false, "loader", "sales", null, 10, "postgres");

    [Fact]
    public void Describe_ChangedFields_GivesOldAndNewInFormOrder_InWords()
    {
        var edited = Saved with { Port = 6543, TlsMode = TlsMode.Require, Database = "", WindowsAuthentication = true, TimeoutSeconds = 30 };

        var changes = DefinitionChanges.Describe(Saved, edited, passwordChanged: false);

        Assert.Equal(
            ["TLS Mode: Verify Full → Require", "Port: 5432 → 6543", "Windows Authentication: No → Yes", "Database: sales → (none)", "Timeout (s): 10 → 30"],
            changes.Select(c => c.Describe()));
    }

    [Fact]
    public void Describe_CaCertificateAndPassword_SayChangedWithoutAnyValue()
    {
        var edited = Saved with { CaCertificatePem = CertificateBody };

        var changes = DefinitionChanges.Describe(Saved, edited, passwordChanged: true);

        Assert.Equal(["Password changed", "CA certificate changed"], changes.Select(c => c.Describe()));
        Assert.All(changes, c => Assert.Equal((null, null), (c.From, c.To)));
        Assert.DoesNotContain(changes, c => c.Describe().Contains("BEGIN", StringComparison.Ordinal));
    }
}
