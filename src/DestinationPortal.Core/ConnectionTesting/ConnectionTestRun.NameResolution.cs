using System.Net;
using System.Net.Sockets;

namespace DestinationPortal.Core.ConnectionTesting;

internal sealed partial class ConnectionTestRun
{
    private async Task<(IReadOnlyList<IPAddress> Addresses, Verdict? Failure)> ResolveAsync(CancellationToken ct)
    {
        _stage = ConnectionTestStage.NameResolution;
        var host = _destination.ConnectHost;
        var hostDetails = new List<ConnectionTestDetail>
        {
            new("Host used", host),
            new("Why this host", _destination.PrivateEndpoint is null ? "Server Name" : "Private endpoint (Server Name is still used for TLS and Kerberos)"),
        };
        Emit(ConnectionTestStatus.Running, $"Resolving {host}.", hostDetails);
        IPAddress[] addresses;
        try
        {
            addresses = [.. (await _resolver.ResolveAsync(host, ct)).Distinct()];
        }
        catch (SocketException ex)
        {
            return ([], Fail(ConnectionTestCategory.Network, $"The name '{host}' could not be resolved ({ex.SocketErrorCode}). Check the spelling.", _hostField, hostDetails));
        }

        if (addresses.Length == 0)
        {
            return ([], Fail(ConnectionTestCategory.Network, $"The name '{host}' has no addresses.", _hostField, hostDetails));
        }

        var policy = new NetworkPolicy(_options);
        hostDetails.Add(new("Addresses", string.Join(", ", addresses.Select(a => a.ToString()))));
        foreach (var address in addresses)
        {
            if (policy.Check(address, _destination.Port) is { } refusal)
            {
                // Every address is checked, not just the first: a name may mix an allowed and a denied address.
                return ([], Fail(ConnectionTestCategory.RefusedByPolicy,
                    $"This portal may not connect there: {refusal} No connection was attempted.", _hostField, hostDetails));
            }
        }

        hostDetails.Add(new("Network policy", "allowed"));
        Emit(ConnectionTestStatus.Succeeded, $"{host} resolves to {string.Join(", ", addresses.Select(a => a.ToString()))}.", hostDetails);
        return (addresses, null);
    }
}
