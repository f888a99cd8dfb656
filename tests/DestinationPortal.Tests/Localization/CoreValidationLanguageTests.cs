using System.Text.RegularExpressions;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Localization;
using DestinationPortal.Tests.Infrastructure;

namespace DestinationPortal.Tests.Localization;

/// <summary>
/// Field labels and validation messages come from Core's FieldText and ValidationText in the reader's language; the
/// English texts are the ones the portal always showed.
/// </summary>
public sealed class CoreValidationLanguageTests
{
    // Every field wrong at once, each in a way its rule reports.
    private static DestinationInput EverythingWrong() => new()
    {
        Name = "prod\u200B",
        ServerName = "db .example.com",
        TlsMode = TlsMode.VerifyFull,
        UsePrivateEndpoint = true,
        PrivateEndpoint = "not a host",
        Port = "abc",
        WindowsAuthentication = true,
        Username = new string('u', 64),
        Password = "tab\there",
        Database = "",
        CaCertificate = "not a certificate",
        TimeoutSeconds = "0",
        KerberosServiceName = "postgres/host",
    };

    private static Dictionary<string, string> MessagesIn(string culture, DestinationInput input)
    {
        using (UiCulture.Use(culture))
        {
            return DestinationValidator.Validate(input).ToDictionary(e => e.Field, e => e.Message);
        }
    }

    [Fact]
    public void Validate_InvalidPortInGerman_SaysSoInGermanWithTheGermanLabel()
    {
        var input = PortalBunitContext.ValidInput();
        input.Port = "abc";
        input.ServerName = "";

        var german = MessagesIn("de-DE", input);

        Assert.Equal("Port muss eine ganze Zahl von 1 bis 65535 sein.", german[DestinationField.Port.Key]);
        Assert.Equal("Servername ist erforderlich.", german[DestinationField.ServerName.Key]);
    }

    [Fact]
    public void Validate_InEnglish_KeepsTheEnglishMessages()
    {
        var english = MessagesIn("en-GB", EverythingWrong());

        Assert.Equal("Port must be a whole number from 1 to 65535.", english[DestinationField.Port.Key]);
        Assert.Equal("Database is required.", english[DestinationField.Database.Key]);
        Assert.Equal("Password must not contain control characters (tabs, line breaks and the like).", english[DestinationField.Password.Key]);
        Assert.Equal("Username must be at most 63 bytes (PostgreSQL's limit); this one is 64 bytes.", english[DestinationField.Username.Key]);
        Assert.Equal("CA certificate must be PEM text starting with -----BEGIN CERTIFICATE-----.", english[DestinationField.CaCertificate.Key]);
        Assert.Equal("Kerberos service name may contain only letters, digits, '-', '_' and '.', at most 63 characters.", english[DestinationField.KerberosServiceName.Key]);
        Assert.StartsWith("Name must not contain invisible characters", english[DestinationField.Name.Key], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EveryFieldInvalidInGerman_LeavesNoEnglishMessage()
    {
        var english = MessagesIn("en", EverythingWrong());
        var german = MessagesIn("de-DE", EverythingWrong());
        var templates = GermanTemplates(ValidationText.Localizer);

        // Every field the form validates has its message, in both languages.
        Assert.Equal(10, english.Count);
        Assert.Equal(english.Keys.Order(), german.Keys.Order());
        Assert.All(german, pair =>
        {
            Assert.NotEqual(english[pair.Key], pair.Value);
            Assert.Contains(templates, t => t.IsMatch(pair.Value));
            Assert.Contains(LabelInGerman(pair.Key), pair.Value, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Validate_UnknownTypeInGerman_NamesTheTypeFieldInGerman()
    {
        var input = PortalBunitContext.ValidInput();
        input.TypeId = "oracle";

        var german = MessagesIn("de-DE", input);

        Assert.Equal("Typ muss einer dieser Werte sein: PostgreSQL.", german[DestinationField.Type.Key]);
    }

    [Fact]
    public void Label_FollowsTheCurrentCulture_EnglishLabelDoesNot()
    {
        using (UiCulture.Use("de-AT"))
        {
            Assert.Equal("Servername", DestinationField.ServerName.Label);
            Assert.Equal("Kerberos-Dienstname", DestinationField.KerberosServiceName.Label);
            Assert.Equal("Server Name", DestinationField.ServerName.EnglishLabel);
            Assert.Equal(DestinationField.ServerName, DestinationField.FindByEnglishLabel("Server Name"));
        }

        using (UiCulture.Use("en-US"))
        {
            Assert.Equal("Server Name", DestinationField.ServerName.Label);
            Assert.Equal("Timeout (s)", DestinationField.TimeoutSeconds.Label);
        }
    }

    [Fact]
    public void TlsModeDescription_InGerman_IsGerman()
    {
        using (UiCulture.Use("de-DE"))
        {
            Assert.StartsWith("Achtung: Zum PostgreSQL-Server", TlsMode.Disable.Description(), StringComparison.Ordinal);
        }

        using (UiCulture.Use("en"))
        {
            Assert.Equal("Caution: an unencrypted, insecure connection is established to the PostgreSQL server.", TlsMode.Disable.Description());
        }
    }

    private static string LabelInGerman(string key)
    {
        using (UiCulture.Use("de-DE"))
        {
            return DestinationField.LabelFor(key);
        }
    }

    /// <summary>Each German resource as a pattern whose placeholders match any text.</summary>
    internal static List<Regex> GermanTemplates(Microsoft.Extensions.Localization.IStringLocalizer localizer)
    {
        using (UiCulture.Use("de-DE"))
        {
            return
            [
                .. localizer.GetAllStrings(includeParentCultures: false)
                    .Select(s => new Regex("^" + Regex.Replace(Regex.Escape(s.Value), @"\\\{\d+(?::[^}]*)?}", ".+") + "$", RegexOptions.Singleline)),
            ];
        }
    }
}
