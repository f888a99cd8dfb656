using System.Globalization;
using System.Net.Security;
using DestinationPortal.Core.ConnectionTesting;

namespace DestinationPortal.Tests.ConnectionTesting;

/// <summary>
/// Texts of the middle stages that need no server: method names, warnings and certificate findings follow the run's
/// language, while protocol words (SCRAM-SHA-256, MD5) stay as PostgreSQL names them.
/// </summary>
public sealed class StageTextLanguageTests
{
    [Fact]
    public void Warnings_CleartextWithoutTlsInGerman_CriticalWarningInGerman()
    {
        var english = Under("en-US", () => AuthenticationMethods.Warnings(AuthenticationMethod.Cleartext, encrypted: false));
        var german = Under("de-DE", () => AuthenticationMethods.Warnings(AuthenticationMethod.Cleartext, encrypted: false));

        Assert.StartsWith("CRITICAL: the server asks for the password in cleartext", Assert.Single(english), StringComparison.Ordinal);
        Assert.StartsWith("KRITISCH: Der Server verlangt das Kennwort im Klartext", Assert.Single(german), StringComparison.Ordinal);
    }

    [Fact]
    public void DisplayName_InGerman_TranslatesWordsButKeepsProtocolNames()
    {
        var (cleartext, scram, md5) = Under("de-DE", () => (
            AuthenticationMethods.DisplayName(AuthenticationMethod.Cleartext, [], channelBinding: false),
            AuthenticationMethods.DisplayName(AuthenticationMethod.Sasl, ["SCRAM-SHA-256"], channelBinding: false),
            AuthenticationMethods.DisplayName(AuthenticationMethod.Md5, [], channelBinding: false)));

        Assert.Equal("Klartext-Kennwort", cleartext);
        Assert.Equal("SCRAM-SHA-256", scram);
        Assert.Equal("MD5", md5);
    }

    [Fact]
    public void Evaluate_NoCertificateInGerman_SaysSoInGerman()
    {
        var check = CertificateCheck.TryCreate("db.example", null, out _)!;

        var english = Under("en-US", () => check.Evaluate(null, null, SslPolicyErrors.RemoteCertificateNotAvailable, DateTimeOffset.UtcNow));
        var german = Under("de-DE", () => check.Evaluate(null, null, SslPolicyErrors.RemoteCertificateNotAvailable, DateTimeOffset.UtcNow));

        Assert.Equal(english.Problems, german.Problems);
        Assert.Equal("The server sent no certificate.", english.ChainSummary);
        Assert.Equal("Der Server hat kein Zertifikat gesendet.", german.ChainSummary);
    }

    [Fact]
    public void TryCreate_NotPemInGerman_ExplainsInGerman()
    {
        var check = Under("de-DE", () => (CertificateCheck.TryCreate("db.example", "kein Zertifikat", out var error), error));

        Assert.Null(check.Item1);
        Assert.Equal("Das Feld „CA-Zertifikat“ enthält kein PEM-Zertifikat (-----BEGIN CERTIFICATE-----).", check.error);
    }

    private static T Under<T>(string culture, Func<T> action)
    {
        var previous = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (CultureInfo.GetCultureInfo(culture), CultureInfo.GetCultureInfo(culture));
            return action();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = previous;
        }
    }
}
