using DestinationPortal.Core.Destinations;
using DestinationPortal.Tests.Infrastructure;

namespace DestinationPortal.Tests.Destinations;

/// <summary>
/// Server Name and the private endpoint accept internationalised names: kept as typed, checked in their A-label form by
/// the rules a plain name meets, refused with a message of their own when IDNA refuses them.
/// </summary>
public sealed class InternationalisedHostNameTests
{
    private const string Umlaut = "datenbank-müller.example";
    private const string UmlautAscii = "xn--datenbank-mller-9vb.example";

    [Theory]
    [InlineData(Umlaut)]
    [InlineData("Süd-DB.Example")]
    [InlineData("bücher.example.")]
    [InlineData("データベース.example")]
    public void Validate_InternationalisedServerName_IsAcceptedAndStoredAsTyped(string host)
    {
        var input = PortalBunitContext.ValidInput();
        input.ServerName = host;

        var definition = DestinationValidator.TryCreateDefinition(input, out var errors);

        Assert.Empty(errors);
        Assert.Equal(host, definition!.ServerName);
    }

    [Fact]
    public void Validate_InternationalisedPrivateEndpoint_IsAcceptedAndStoredAsTyped()
    {
        var input = PortalBunitContext.ValidInput();
        input.UsePrivateEndpoint = true;
        input.PrivateEndpoint = Umlaut;

        var definition = DestinationValidator.TryCreateDefinition(input, out var errors);

        Assert.Empty(errors);
        Assert.Equal(Umlaut, definition!.PrivateEndpoint);
    }

    [Theory]
    [InlineData("müller_db.example")] // STD3: no underscore once converted
    [InlineData("müller!.example")]
    [InlineData("ü-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example")] // a label over 63 in its xn-- form
    public void Validate_NameIdnaRefuses_SaysItIsNoValidInternationalisedHostName(string host)
    {
        var errors = DestinationValidator.Validate(WithServerName(host));

        var message = Assert.Single(errors, e => e.Field == nameof(DestinationInput.ServerName)).Message;
        Assert.Equal(
            "Server Name is not a valid internationalised host name: one of its characters cannot be used in a domain name, or a part is too long in its ASCII (xn--) form.",
            message);
    }

    [Fact]
    public void Validate_NameIdnaRefusesUnderGerman_SaysSoInGerman()
    {
        IReadOnlyList<FieldError> errors;
        using (UiCulture.Use("de-DE"))
        {
            errors = DestinationValidator.Validate(WithServerName("müller_db.example"));
        }

        Assert.Contains("ist kein gültiger internationalisierter Hostname", Assert.Single(errors, e => e.Field == nameof(DestinationInput.ServerName)).Message,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("müller\u00AD.example")] // soft hyphen: IDNA maps it away, so the stored name would hide a character
    [InlineData("müller\u200B.example")]
    [InlineData("müller.123")] // a numeric last label, refused for plain names too
    public void Validate_InternationalisedNameBreakingThePlainRules_IsRefused(string host)
    {
        Assert.Contains(DestinationValidator.Validate(WithServerName(host)), e => e.Field == nameof(DestinationInput.ServerName));
    }

    [Fact]
    public void ToAscii_UmlautName_IsTheALabelForm()
    {
        Assert.Equal(UmlautAscii, IdnHost.ToAscii(Umlaut));
        Assert.Equal($"{Umlaut} ({UmlautAscii})", IdnHost.Display(Umlaut));
    }

    [Theory]
    [InlineData("DB.Example.com")]
    [InlineData("10.0.0.5")]
    [InlineData("2001:db8::5")]
    [InlineData(UmlautAscii)]
    public void ToAscii_AsciiHost_IsUnchangedAndDisplaysOnce(string host)
    {
        Assert.Equal(host, IdnHost.ToAscii(host));
        Assert.Equal(host, IdnHost.Display(host));
    }

    [Fact]
    public void Display_MixedScriptConfusable_ShowsTheALabelThatGivesItAway()
    {
        // "pаypal" with a Cyrillic а (U+0430): it looks like the Latin name; its A-label form does not.
        var display = IdnHost.Display("p\u0430ypal.example");

        Assert.StartsWith("p\u0430ypal.example (xn--", display, StringComparison.Ordinal);
        Assert.NotEqual("paypal.example", IdnHost.ToAscii("p\u0430ypal.example"));
    }

    private static DestinationInput WithServerName(string host)
    {
        var input = PortalBunitContext.ValidInput();
        input.ServerName = host;
        return input;
    }
}
