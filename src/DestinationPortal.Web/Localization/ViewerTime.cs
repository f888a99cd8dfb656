using System.Globalization;

namespace DestinationPortal.Web.Localization;

/// <summary>
/// The viewer's time zone, one per circuit (scoped): every time the portal shows is stored in UTC and shown in it, with
/// the zone's offset beside it, so a reader never has to guess which clock a time is on. The zone is the browser's
/// (<see cref="Components.Layout.ViewerTimeZone"/> reads it once the circuit runs; a cookie carries it to the next
/// page's prerender). Until it is known, times show in UTC and say so.
/// </summary>
public sealed class ViewerTime
{
    // IANA ids are short ("America/Argentina/ComodRivadavia" is among the longest); anything longer is not one.
    private const int MaxZoneIdLength = 64;

    /// <summary>Set by ViewerTimeZone.razor.js; read by App.razor for the prerender.</summary>
    public const string ZoneCookie = "portal-time-zone";

    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    /// <summary>Raised when the browser's zone becomes known, so times already on screen re-render in it.</summary>
    public event Action? Changed;

    /// <summary>Takes the browser's IANA zone id; an unknown or malformed id leaves the zone as it is.</summary>
    public bool Use(string? zoneId)
    {
        if (string.IsNullOrWhiteSpace(zoneId) || zoneId.Length > MaxZoneIdLength
            || !TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone) || zone.Id == Zone.Id)
        {
            return false;
        }

        Zone = zone;
        Changed?.Invoke();
        return true;
    }

    public DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(AsUtc(utc), Zone);

    /// <summary>
    /// A wall-clock time the viewer typed, in UTC. A time the clocks skip (the spring-forward hour) does not exist; it takes
    /// the offset before the change, which is the instant a wall clock would show an hour later. An hour that repeats in
    /// autumn is read as its first pass.
    /// </summary>
    public DateTime ToUtc(DateTime local)
    {
        var wall = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        var offset = Zone.IsAmbiguousTime(wall) ? Zone.GetAmbiguousTimeOffsets(wall).Max() : Zone.GetUtcOffset(wall);
        return DateTime.SpecifyKind(wall - offset, DateTimeKind.Utc);
    }

    /// <summary>"01.12.2026 08:05 UTC+1" in German, "12/1/2026 8:05 AM UTC+1" in en-US: the culture's short date and time and the zone's offset then.</summary>
    public string Format(DateTime utc) => ToLocal(utc).ToString("g", CultureInfo.CurrentCulture) + " " + OffsetLabel(utc);

    /// <summary>The culture's short date, in the viewer's zone.</summary>
    public string FormatDate(DateTime utc) => ToLocal(utc).ToString("d", CultureInfo.CurrentCulture);

    /// <summary>"UTC", "UTC+1", "UTC+5:30", "UTC-3": the offset in force at that instant (summer time included).</summary>
    public string OffsetLabel(DateTime utc)
    {
        var offset = Zone.GetUtcOffset(AsUtc(utc));
        if (offset == TimeSpan.Zero)
        {
            return "UTC";
        }

        var sign = offset < TimeSpan.Zero ? "-" : "+";
        var abs = offset.Duration();
        return abs.Minutes == 0
            ? string.Create(CultureInfo.InvariantCulture, $"UTC{sign}{abs.Hours}")
            : string.Create(CultureInfo.InvariantCulture, $"UTC{sign}{abs.Hours}:{abs.Minutes:00}");
    }

    // Stored times come back from SQLite as Unspecified; they are UTC.
    private static DateTime AsUtc(DateTime value) => value.Kind == DateTimeKind.Utc ? value : DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
