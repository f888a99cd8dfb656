using System.Globalization;
using DestinationPortal.Web.Localization;

namespace DestinationPortal.Tests.Localization;

public sealed class ViewerTimeTests
{
    [Fact]
    public void UntilTheBrowserSaysTimesAreUtcAndSaySo()
    {
        var viewer = new ViewerTime();

        Assert.Equal("UTC", viewer.OffsetLabel(new DateTime(2026, 7, 1, 12, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(new DateTime(2026, 7, 1, 12, 0, 0), viewer.ToLocal(new DateTime(2026, 7, 1, 12, 0, 0, DateTimeKind.Utc)));
    }

    [Fact]
    public void BerlinIsUtcPlusOneInWinterAndPlusTwoInSummer()
    {
        var viewer = new ViewerTime();
        Assert.True(viewer.Use("Europe/Berlin"));

        var winter = new DateTime(2026, 12, 1, 7, 5, 0, DateTimeKind.Utc);
        Assert.Equal("UTC+1", viewer.OffsetLabel(winter));
        Assert.Equal("UTC+2", viewer.OffsetLabel(new DateTime(2026, 7, 1, 7, 5, 0, DateTimeKind.Utc)));
        Assert.Equal(new DateTime(2026, 12, 1, 8, 5, 0), viewer.ToLocal(winter));
        // SQLite hands stored times back as Unspecified; they are UTC all the same.
        Assert.Equal(new DateTime(2026, 12, 1, 8, 5, 0), viewer.ToLocal(DateTime.SpecifyKind(winter, DateTimeKind.Unspecified)));
    }

    [Fact]
    public void FormatUsesTheCultureAndShowsTheZone()
    {
        var viewer = new ViewerTime();
        viewer.Use("Europe/Berlin");
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            Assert.Equal("01.12.2026 08:05 UTC+1", viewer.Format(new DateTime(2026, 12, 1, 7, 5, 0, DateTimeKind.Utc)));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void HalfHourZonesShowTheirMinutes()
    {
        var viewer = new ViewerTime();
        viewer.Use("Asia/Kolkata");

        Assert.Equal("UTC+5:30", viewer.OffsetLabel(new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc)));
    }

    [Fact]
    public void ATypedLocalTimeBecomesUtcAcrossTheClockChanges()
    {
        var viewer = new ViewerTime();
        viewer.Use("Europe/Berlin");

        Assert.Equal(new DateTime(2026, 12, 1, 7, 0, 0, DateTimeKind.Utc), viewer.ToUtc(new DateTime(2026, 12, 1, 8, 0, 0)));
        // 29 March 2026, 02:30 does not exist in Berlin (02:00 → 03:00): read as 03:30 CEST, 01:30 UTC.
        Assert.Equal(new DateTime(2026, 3, 29, 1, 30, 0, DateTimeKind.Utc), viewer.ToUtc(new DateTime(2026, 3, 29, 2, 30, 0)));
        // 25 October 2026, 02:30 happens twice; its first pass (CEST, UTC+2) is 00:30 UTC.
        Assert.Equal(new DateTime(2026, 10, 25, 0, 30, 0, DateTimeKind.Utc), viewer.ToUtc(new DateTime(2026, 10, 25, 2, 30, 0)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("Europe/Berlin\u0000")]
    public void AnUnknownZoneKeepsTheCurrentOne(string? zone)
    {
        var viewer = new ViewerTime();
        viewer.Use("Europe/Berlin");
        var changed = 0;
        viewer.Changed += () => changed++;

        Assert.False(viewer.Use(zone));
        Assert.False(viewer.Use(new string('A', 65)));
        Assert.Equal("Europe/Berlin", viewer.Zone.Id);
        Assert.Equal(0, changed);
    }
}
