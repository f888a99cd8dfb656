using System.Globalization;
using DestinationPortal.Core.Destinations;

namespace DestinationPortal.Web.Components.Destinations;

internal static class Formats
{
    /// <summary>Teams work across time zones, so every time on screen is UTC and says so.</summary>
    public static string Utc(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    public static string Endpoint(DestinationListItem destination) => DestinationDefinition.FormatEndpoint(destination.ServerName, destination.Port);
}
