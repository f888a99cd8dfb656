using System.Net;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>Decides, per resolved address and port, whether a test may open a socket there.</summary>
internal sealed class NetworkPolicy
{
    private readonly IReadOnlyList<IPNetwork> _denied;
    private readonly IReadOnlyList<IPNetwork> _allowed;
    private readonly IReadOnlyList<int> _allowedPorts;

    public NetworkPolicy(ConnectionTestingOptions options)
    {
        _denied = [.. options.EffectiveDeniedNetworks.Select(IPNetwork.Parse)];
        _allowed = [.. options.AllowedNetworks.Select(IPNetwork.Parse)];
        _allowedPorts = [.. options.AllowedPorts];
    }

    /// <summary>Null when allowed, else the reason in plain words.</summary>
    public string? Check(IPAddress address, int port)
    {
        // ::ffff:169.254.169.254 must not slip past an IPv4 rule.
        var normalized = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        foreach (var denied in _denied.Where(n => n.Contains(normalized)))
        {
            return $"{normalized} is in the denied network {denied}.";
        }

        if (_allowed.Count > 0 && !Contains(_allowed, normalized))
        {
            return $"{normalized} is not in any allowed network.";
        }

        return _allowedPorts.Count > 0 && !_allowedPorts.Contains(port) ? $"Port {port} is not an allowed port." : null;
    }

    private static bool Contains(IReadOnlyList<IPNetwork> networks, IPAddress address) => networks.Any(n => n.Contains(address));
}
