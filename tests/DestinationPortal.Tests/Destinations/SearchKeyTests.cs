using DestinationPortal.Core.Destinations;

namespace DestinationPortal.Tests.Destinations;

public sealed class SearchKeyTests
{
    [Theory]
    [InlineData("Süd", "sud")]
    [InlineData("SÜD", "sud")]
    [InlineData("süd", "sud")]
    [InlineData("Änderungen", "anderungen")]
    [InlineData("Crème Brûlée", "creme brulee")]
    [InlineData("Straße", "strasse")]
    [InlineData("STRAẞE", "strasse")]
    [InlineData("ＳＵＤ", "sud")]
    [InlineData("Ĳssel", "ijssel")]
    [InlineData("datenbank-müller.example", "datenbank-muller.example")]
    [InlineData("pg-42_db", "pg-42_db")]
    [InlineData("", "")]
    public void For_FoldsCaseAndAccents(string text, string expected)
    {
        Assert.Equal(expected, SearchKey.For(text));
    }

    [Fact]
    public void For_Mueller_IsNotMuller()
    {
        // Only case and accents fold: the German "ue" spelling of ü is a different word to the filter.
        Assert.NotEqual(SearchKey.For("Müller"), SearchKey.For("Mueller"));
        Assert.Equal(SearchKey.For("Müller"), SearchKey.For("MULLER"));
    }

    [Fact]
    public void Destination_SettingNameServerOrDatabase_KeepsTheirKeys()
    {
        var destination = new Destination { CreatedBy = "alice", UpdatedBy = "alice", Name = "Süd", ServerName = "DB-Müller.example", Database = "Straße" };

        Assert.Equal(("sud", "db-muller.example", "strasse"), (destination.NameKey, destination.ServerNameKey, destination.DatabaseKey));

        destination.Name = "Nord";
        Assert.Equal("nord", destination.NameKey);
    }
}
