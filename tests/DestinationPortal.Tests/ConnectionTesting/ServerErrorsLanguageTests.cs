using System.Globalization;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;

namespace DestinationPortal.Tests.ConnectionTesting;

/// <summary>
/// A server refusal explained in the run's language: the same SQLSTATE gives the same category and field to fix in
/// English and German, the German explanation is German and names the SQLSTATE, and what the server sent (user,
/// database, its own message) is quoted unchanged.
/// </summary>
public sealed class ServerErrorsLanguageTests
{
    public static TheoryData<string, string, string> KnownStates() => new()
    {
        { "28P01", "password authentication failed for user \"alice\"", "Kennwort" },
        { "3D000", "database \"lager_süd\" does not exist", "Datenbank" },
        { "42501", "permission denied for database \"lager_süd\"", "CONNECT-Recht" },
        { "53300", "sorry, too many clients already", "Verbindungen" },
    };

    [Theory]
    [MemberData(nameof(KnownStates))]
    public void Classify_KnownStateInGerman_SameVerdictGermanWordsAndTheCode(string sqlState, string serverMessage, string germanWord)
    {
        var english = Classify("en-US", sqlState, serverMessage);
        var german = Classify("de-DE", sqlState, serverMessage);

        Assert.Equal((english.Category, english.Field), (german.Category, german.Field));
        Assert.NotEqual(english.Explanation, german.Explanation);
        Assert.Contains(germanWord, german.Explanation, StringComparison.Ordinal);
        Assert.Contains("SQLSTATE " + sqlState, german.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_WrongPassword_EnglishTextUnchanged()
    {
        var english = Classify("en-US", "28P01", "password authentication failed for user \"alice\"");

        Assert.Equal(
            "Password authentication failed for user alice: the password is wrong, or the user does not exist (the server does not say which).",
            english.Explanation);
        Assert.Equal(DestinationField.Password, english.Field);
    }

    [Fact]
    public void Classify_UnknownStateInGerman_QuotesTheServersMessageUnchanged()
    {
        const string serverMessage = "FATAL: something the portal has never seen {0}";

        var english = Classify("en-US", "XX000", serverMessage);
        var german = Classify("de-DE", "XX000", serverMessage);

        Assert.Equal("The server refused the connection: " + serverMessage, english.Explanation);
        Assert.Equal("Der Server hat die Verbindung abgelehnt: " + serverMessage, german.Explanation);
        Assert.Equal(english.Category, german.Category);
    }

    [Fact]
    public void Classify_TlsOnlyUserInGerman_AdvisesRequireInGerman()
    {
        var german = Classify("de-DE", "28000", "no pg_hba.conf entry for host \"127.0.0.1\", user \"alice\", database \"lager_süd\", no encryption",
            serverOffersTls: true);

        Assert.Equal(DestinationField.TlsMode, german.Field);
        Assert.Contains("Require", german.Explanation, StringComparison.Ordinal);
        Assert.StartsWith("Der Server bietet TLS an", german.Explanation, StringComparison.Ordinal);
    }

    private static (ConnectionTestCategory Category, DestinationField? Field, string Explanation) Classify(
        string culture, string sqlState, string message, bool? serverOffersTls = null)
    {
        var previous = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (CultureInfo.GetCultureInfo(culture), CultureInfo.GetCultureInfo(culture));
            return ServerErrors.Classify(sqlState, message, encrypted: false, serverOffersTls, "alice", "lager_süd");
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = previous;
        }
    }
}
