using System.Net;
using System.Net.Sockets;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Localization;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>The addresses the host name resolved to, and the details the stage reports with them.</summary>
internal sealed record Resolution(IReadOnlyList<IPAddress> Addresses, IReadOnlyList<ConnectionTestDetail> Details, Verdict? Failure);

/// <summary>
/// Resolves the host the run connects to itself, so that the network policy sees every address before any socket opens
/// and the later stages connect to exactly the addresses it allowed.
/// </summary>
internal static class NameResolutionStage
{
    private static Microsoft.Extensions.Localization.IStringLocalizer T => ConnectionTestText.Localizer;

    public static async Task<Resolution> ResolveAsync(ConnectionTestContext context, IHostNameResolver resolver, CancellationToken ct)
    {
        context.Events.Enter(ConnectionTestStage.NameResolution);
        var destination = context.Destination;
        // Stored as typed; resolved (and so checked by the network policy) in its A-label form, which the report shows too.
        var host = IdnHost.Display(destination.ConnectHost);
        var details = new List<ConnectionTestDetail>
        {
            new(T["Detail.HostUsed"], host),
            new(T["Detail.WhyThisHost"], destination.PrivateEndpoint is null ? DestinationField.ServerName.Label : T["Resolve.WhyPrivateEndpoint"]),
        };
        context.Emit(ConnectionTestStatus.Running, T["Resolve.Resolving", host], details);
        IPAddress[] addresses;
        try
        {
            addresses = [.. (await resolver.ResolveAsync(IdnHost.ToAscii(destination.ConnectHost) ?? destination.ConnectHost, ct)).Distinct()];
        }
        catch (SocketException ex)
        {
            return new([], details, context.Fail(ConnectionTestCategory.Network,
                T["Resolve.Failed", host, ex.SocketErrorCode.Describe()], context.HostField, details));
        }

        if (addresses.Length == 0)
        {
            return new([], details, context.Fail(ConnectionTestCategory.Network, T["Resolve.NoAddresses", host], context.HostField, details));
        }

        details.Add(new(T["Detail.Addresses"], string.Join(", ", addresses.Select(a => a.ToString()))));
        return new(addresses, details, null);
    }
}
