using System.Net;
using System.Net.Sockets;
using DestinationPortal.Core.Destinations;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>The addresses the host name resolved to, and the details the stage reports with them.</summary>
internal sealed record Resolution(IReadOnlyList<IPAddress> Addresses, IReadOnlyList<ConnectionTestDetail> Details, Verdict? Failure);

/// <summary>
/// Resolves the host the run connects to itself, so that the network policy sees every address before any socket opens
/// and the later stages connect to exactly the addresses it allowed.
/// </summary>
internal static class NameResolutionStage
{
    public static async Task<Resolution> ResolveAsync(ConnectionTestContext context, IHostNameResolver resolver, CancellationToken ct)
    {
        context.Events.Enter(ConnectionTestStage.NameResolution);
        var destination = context.Destination;
        var host = destination.ConnectHost;
        var details = new List<ConnectionTestDetail>
        {
            new("Host used", host),
            new("Why this host", destination.PrivateEndpoint is null ? DestinationField.ServerName.Label : "Private endpoint (Server Name is still used for TLS and Kerberos)"),
        };
        context.Emit(ConnectionTestStatus.Running, $"Resolving {host}.", details);
        IPAddress[] addresses;
        try
        {
            addresses = [.. (await resolver.ResolveAsync(host, ct)).Distinct()];
        }
        catch (SocketException ex)
        {
            return new([], details, context.Fail(ConnectionTestCategory.Network,
                $"The name '{host}' could not be resolved ({ex.SocketErrorCode.Describe()}). Check the spelling.", context.HostField, details));
        }

        if (addresses.Length == 0)
        {
            return new([], details, context.Fail(ConnectionTestCategory.Network, $"The name '{host}' has no addresses.", context.HostField, details));
        }

        details.Add(new("Addresses", string.Join(", ", addresses.Select(a => a.ToString()))));
        return new(addresses, details, null);
    }
}
