using DestinationPortal.Core.Destinations;

namespace DestinationPortal.Web.Components.Destinations;

internal static class Formats
{
    public static string Endpoint(DestinationListItem destination) => DestinationDefinition.FormatEndpoint(destination.ServerName, destination.Port);
}
