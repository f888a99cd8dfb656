using DestinationPortal.Core.Destinations;
using DestinationPortal.Tests.Infrastructure;

namespace DestinationPortal.Tests.Destinations;

public sealed class DestinationValidatorTests
{
    private static IReadOnlyList<FieldError> ErrorsFor(Action<DestinationInput> change)
    {
        var input = PortalBunitContext.ValidInput();
        change(input);
        return DestinationValidator.Validate(input);
    }

    private static string? MessageFor(string field, Action<DestinationInput> change) =>
        ErrorsFor(change).SingleOrDefault(e => e.Field == field)?.Message;

    [Fact]
    public void Validate_ValidInput_HasNoErrors()
    {
        Assert.Empty(DestinationValidator.Validate(PortalBunitContext.ValidInput()));
    }

    [Theory]
    [InlineData("db.example.com")]
    [InlineData("localhost")]
    [InlineData("sql_01.corp.local")]
    [InlineData("10.0.0.5")]
    [InlineData("2001:db8::5")]
    [InlineData("[2001:db8::5]")]
    [InlineData("xn--bcher-kva.example")]
    public void Validate_WellFormedServerName_IsAccepted(string host)
    {
        Assert.Null(MessageFor(nameof(DestinationInput.ServerName), i => i.ServerName = host));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("db .example.com")]
    [InlineData("-db.example.com")]
    [InlineData("db..example.com")]
    [InlineData("db.example.com:5432")]
    [InlineData("http://db.example.com")]
    [InlineData("256.1.1.1")]
    [InlineData("127.1")]
    [InlineData("2130706433")]
    [InlineData("0x7f000001")]
    [InlineData("fe80::1%eth0")]
    [InlineData("db\u0000.example.com")]
    [InlineData("h;Port=22")]
    public void Validate_MalformedServerName_NamesTheField(string host)
    {
        var message = MessageFor(nameof(DestinationInput.ServerName), i => i.ServerName = host);

        Assert.NotNull(message);
        Assert.StartsWith("Server Name", message);
    }

    [Fact]
    public void Validate_LabelLongerThan63Characters_IsRejected()
    {
        Assert.NotNull(MessageFor(nameof(DestinationInput.ServerName), i => i.ServerName = new string('a', 64) + ".example.com"));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("5432.0")]
    [InlineData("99999999999999999999")]
    [InlineData("")]
    public void Validate_PortOutOfRangeOrNotANumber_ShowsRangeMessage(string port)
    {
        var message = MessageFor(nameof(DestinationInput.Port), i => i.Port = port);

        Assert.Equal(port.Length == 0 ? "Port is required." : "Port must be a whole number from 1 to 65535.", message);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("5432")]
    [InlineData(" 65535 ")]
    public void Validate_PortInRange_IsAccepted(string port)
    {
        Assert.Null(MessageFor(nameof(DestinationInput.Port), i => i.Port = port));
    }

    [Fact]
    public void Validate_DatabaseNameOf64Bytes_IsRejectedWithByteCount()
    {
        // 32 two-byte characters: 32 characters but 64 bytes of UTF-8, one over PostgreSQL's limit.
        var message = MessageFor(nameof(DestinationInput.Database), i => i.Database = new string('é', 32));

        Assert.Equal("Database must be at most 63 bytes (PostgreSQL's limit); this one is 64 bytes.", message);
    }

    [Fact]
    public void Validate_DatabaseNameOf63Bytes_IsAccepted()
    {
        Assert.Null(MessageFor(nameof(DestinationInput.Database), i => i.Database = new string('d', 63)));
    }

    [Fact]
    public void Validate_NameOfOnlySpaces_IsRequired()
    {
        Assert.Equal("Name is required.", MessageFor(nameof(DestinationInput.Name), i => i.Name = "    "));
    }

    [Fact]
    public void Validate_NameOf101Characters_IsTooLong()
    {
        Assert.Equal("Name must be at most 100 characters.", MessageFor(nameof(DestinationInput.Name), i => i.Name = new string('n', 101)));
    }

    [Theory]
    [InlineData("prod\tdb")]
    [InlineData("prod\ndb")]
    [InlineData("prod\u001bdb")]
    public void Validate_ControlCharactersInName_AreRejected(string name)
    {
        Assert.Contains("control characters", MessageFor(nameof(DestinationInput.Name), i => i.Name = name));
    }

    public const string InvisibleMessage = " must not contain invisible characters (zero-width spaces, text-direction marks and the like): they make text display differently from what it is.";

    [Theory]
    [InlineData("prod\u202Ebd")] // right-to-left override: displays as "proddb"
    [InlineData("\u202Aprod\u202C")]
    [InlineData("\u2066prod\u2069")] // directional isolates
    [InlineData("prod\u200E")] // left-to-right mark
    [InlineData("prod\u200F")]
    [InlineData("prod\u061C")] // Arabic letter mark
    [InlineData("prod\u200Bdb")] // zero-width space
    [InlineData("prod\u200Cdb")]
    [InlineData("prod\u200Ddb")]
    [InlineData("prod\u2060db")] // word joiner
    [InlineData("\uFEFFprod")] // byte order mark
    [InlineData("\u200B")] // nothing visible at all
    [InlineData("prod\u00ADdb")] // soft hyphen
    [InlineData("prod\u2028db")] // line separator
    [InlineData("prod\U000E0041db")] // a tag character (outside the BMP)
    public void Validate_InvisibleCharactersInName_AreRejectedSayingSo(string name)
    {
        Assert.Equal("Name" + InvisibleMessage, MessageFor(nameof(DestinationInput.Name), i => i.Name = name));
    }

    [Theory]
    [InlineData("loader\u202E")]
    [InlineData("load\u200Ber")]
    public void Validate_InvisibleCharactersInUsernameOrDatabase_AreRejectedSayingSo(string value)
    {
        Assert.Equal("Username" + InvisibleMessage, MessageFor(nameof(DestinationInput.Username), i => i.Username = value));
        Assert.Equal("Database" + InvisibleMessage, MessageFor(nameof(DestinationInput.Database), i => i.Database = value));
    }

    [Theory]
    [InlineData("Lagerhaus München")]
    [InlineData("倉庫 東京")]
    [InlineData("مخزن الرياض")] // right-to-left script, no direction controls
    [InlineData("склад-1")]
    [InlineData("sales 📦")]
    public void Validate_NamesInAnyScript_AreAccepted(string name)
    {
        Assert.Null(MessageFor(nameof(DestinationInput.Name), i => i.Name = name));
    }

    [Fact]
    public void Validate_TenMegabytesPastedIntoEveryTextField_ProducesMessagesNotExceptions()
    {
        var huge = new string('x', 10 * 1024 * 1024);
        var input = new DestinationInput
        {
            Name = huge,
            ServerName = huge,
            Port = huge,
            Username = huge,
            Password = huge,
            Database = huge,
            TlsMode = TlsMode.VerifyFull,
            CaCertificate = huge,
            TimeoutSeconds = huge,
            WindowsAuthentication = false,
        };

        var fields = DestinationValidator.Validate(input).Select(e => e.Field).ToHashSet();

        // Every oversized field gets its own message, not just the first: each expected field is among those reported.
        Assert.Subset(fields, new HashSet<string>
        {
            nameof(input.Name), nameof(input.ServerName), nameof(input.Port), nameof(input.Username),
            nameof(input.Password), nameof(input.Database), nameof(input.CaCertificate), nameof(input.TimeoutSeconds),
        });
    }

    [Fact]
    public void Validate_WindowsAuthentication_MakesUsernameOptional()
    {
        Assert.Null(MessageFor(nameof(DestinationInput.Username), i =>
        {
            i.WindowsAuthentication = true;
            i.Username = "";
        }));
        Assert.Equal("Username is required.", MessageFor(nameof(DestinationInput.Username), i => i.Username = ""));
    }

    [Fact]
    public void Validate_NonPemCaCertificate_IsRejectedForVerifyModes()
    {
        var message = MessageFor(nameof(DestinationInput.CaCertificate), i =>
        {
            i.TlsMode = TlsMode.VerifyCA;
            i.CaCertificate = "this is not a certificate";
        });

        Assert.Equal("CA certificate must be PEM text starting with -----BEGIN CERTIFICATE-----.", message);
    }

    [Fact]
    public void Validate_CorruptPemBody_IsRejected()
    {
        var message = MessageFor(nameof(DestinationInput.CaCertificate), i =>
        {
            i.TlsMode = TlsMode.VerifyFull;
            i.CaCertificate = "-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----";
        });

        Assert.Equal("CA certificate is not a valid PEM X.509 certificate.", message);
    }

    [Fact]
    public void Validate_RealPemCertificate_IsAccepted()
    {
        Assert.Null(MessageFor(nameof(DestinationInput.CaCertificate), i =>
        {
            i.TlsMode = TlsMode.VerifyFull;
            i.CaCertificate = TestCertificates.SelfSignedPem("Test CA");
        }));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("121")]
    [InlineData("ten")]
    public void Validate_TimeoutOutsideOneTo120_IsRejected(string timeout)
    {
        Assert.Equal("Timeout (s) must be a whole number from 1 to 120.", MessageFor(nameof(DestinationInput.TimeoutSeconds), i => i.TimeoutSeconds = timeout));
    }

    [Fact]
    public void Validate_PrivateEndpointChecked_ValidatesItLikeServerName()
    {
        Assert.Equal("Private endpoint host is required.", MessageFor(nameof(DestinationInput.PrivateEndpoint), i => i.UsePrivateEndpoint = true));
        Assert.Null(MessageFor(nameof(DestinationInput.PrivateEndpoint), i => i.PrivateEndpoint = "not a host"));
    }

    [Fact]
    public void Validate_UnknownType_IsRejected()
    {
        Assert.Equal("Type must be one of: PostgreSQL.", MessageFor(nameof(DestinationInput.TypeId), i => i.TypeId = "oracle"));
    }

    [Fact]
    public void TryCreateDefinition_TrimsAndNormalizes()
    {
        var input = PortalBunitContext.ValidInput("  warehouse  ");
        input.ServerName = " [2001:DB8::5] ";
        input.Port = " 6432 ";
        input.UsePrivateEndpoint = false;
        input.PrivateEndpoint = "ignored.example";

        var definition = DestinationValidator.TryCreateDefinition(input, out var errors);

        Assert.Empty(errors);
        Assert.NotNull(definition);
        Assert.Equal("warehouse", definition.Name);
        Assert.Equal("2001:db8::5", definition.ServerName);
        Assert.Equal(6432, definition.Port);
        Assert.Null(definition.PrivateEndpoint);
        Assert.Equal("2001:db8::5", definition.ConnectHost);
    }
}
