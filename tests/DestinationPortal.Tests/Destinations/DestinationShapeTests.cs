using System.Text;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Tests.Infrastructure;

namespace DestinationPortal.Tests.Destinations;

/// <summary>One shape per idea: the field table names every field everywhere, and the password binding did not move.</summary>
public sealed class DestinationShapeTests
{
    private static readonly DestinationDefinition Verified = new(
        "warehouse", PostgreSqlDestinationType.Id, "db.example.test", TlsMode.VerifyFull, "10.0.0.5", 6432, false, "loader", "sales", null, 10, "postgres");

    [Fact]
    public void TargetKey_OfAKnownTarget_IsWhatEarlierReleasesDerivedTheEncryptionFrom()
    {
        // SHA-256 of ["postgresql","db.example.test","VerifyFull","10.0.0.5","6432","loader","sales",null,"postgres"]: a
        // different key would leave every stored password undecryptable after an upgrade.
        Assert.Equal("95876FCC29461F526985EEBC5DC8B8BA0641B764FA4C29C44423CBC8F7816F53", PasswordBinding.TargetKey(Verified));
    }

    [Fact]
    public void DefinitionChanges_NameFieldsWithTheFormsLabels()
    {
        var changed = Verified with { PrivateEndpoint = "10.0.0.6", TimeoutSeconds = 30 };

        Assert.Equal(["Private endpoint host", "Timeout (s)"], DefinitionChanges.Between(Verified, changed, passwordChanged: false));
    }

    [Fact]
    public void DefinitionChanges_ForANewDestination_ListEverythingItHolds_InFormOrder()
    {
        Assert.Equal(
            ["Name", "Type", "Server Name", "TLS Mode", "Private endpoint host", "Port", "Username", "Password", "Database", "Timeout (s)", "Kerberos service name"],
            DefinitionChanges.Between(null, Verified, passwordChanged: true));
    }

    [Fact]
    public void Validate_EveryMessage_IsKeyedByAFieldOfTheTable()
    {
        var input = PortalBunitContext.ValidInput() with
        {
            Name = "",
            ServerName = "not a host!",
            TlsMode = TlsMode.VerifyCA,
            UsePrivateEndpoint = true,
            PrivateEndpoint = "",
            Port = "0",
            Username = "",
            Password = "bad\tpassword",
            Database = "",
            CaCertificate = "not a certificate",
            TimeoutSeconds = "0",
        };

        var errors = DestinationValidator.Validate(input);

        Assert.Equal(9, errors.Count);
        Assert.All(errors, e => Assert.NotNull(DestinationField.Find(e.Field)));
        Assert.All(errors, e => Assert.StartsWith(DestinationField.Find(e.Field)!.Label, e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void DestinationInput_ToString_NeverShowsTheTypedPassword()
    {
        var input = PortalBunitContext.ValidInput() with { Password = "P@ss-tostring-canary" };

        Assert.DoesNotContain("P@ss-tostring-canary", input.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void DestinationInput_CopyWithChangedPassword_IsAnUnsavedChange()
    {
        var original = PortalBunitContext.ValidInput();
        var copy = original with { };

        Assert.Equal(original, copy);
        copy.Password = "typed";
        Assert.NotEqual(original, copy);
        Assert.Equal("", original.Password);
    }

    [Theory]
    [InlineData("""{"destinations":[{"name":"a","Sever":"x"}]}""", "destinations[0].Sever", "Unknown property \"Sever\".")]
    [InlineData("""{"destinations":[{"name":"a","odd name":1}]}""", "destinations[0].odd name", "Unknown property \"odd name\".")]
    [InlineData("""{"destinations":[{"name":"a","PassWord":"s3cret"}]}""", "destinations[0].PassWord", "Passwords are never imported")]
    [InlineData("""{"destinations":[], "Extra":{"a":1}}""", "Extra", "Unknown property \"Extra\".")]
    public void Read_UnknownProperty_IsRefusedNamingIt(string json, string path, string messageStart)
    {
        var read = DestinationDocumentReader.Read(Encoding.UTF8.GetBytes(json));

        var problem = Assert.Single(read.Problems);
        Assert.Equal(path, problem.Path);
        Assert.StartsWith(messageStart, problem.Message, StringComparison.Ordinal);
        Assert.Empty(read.Entries);
    }
}
