using System.Net;
using System.Net.Sockets;
using DestinationPortal.Core.Localization;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// Decides, per resolved address and port, whether a test may open a socket there. Every address is checked in each
/// form it can take: as given, and as the IPv4 address an IPv6 transition form carries (IPv4-mapped, IPv4-compatible,
/// NAT64, 6to4, Teredo), so that no spelling of a denied IPv4 address gets through.
/// </summary>
internal sealed class NetworkPolicy
{
    /// <summary>
    /// Denied whatever the configuration says, because a configured DeniedNetworks replaces the defaults and must not be
    /// able to re-allow them by omission: the unspecified addresses (0.0.0.0/8 and ::) connect to the portal's own host,
    /// and broadcast and multicast are never one PostgreSQL server.
    /// </summary>
    public static IReadOnlyList<IPNetwork> AlwaysDenied { get; } =
    [
        IPNetwork.Parse("0.0.0.0/8"),
        IPNetwork.Parse("::/128"),
        IPNetwork.Parse("255.255.255.255/32"),
        IPNetwork.Parse("224.0.0.0/4"),
        IPNetwork.Parse("ff00::/8"),
    ];

    private static Microsoft.Extensions.Localization.IStringLocalizer T => ConnectionTestText.Localizer;

    private static readonly IPNetwork s_nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork s_nat64LocalUse = IPNetwork.Parse("64:ff9b:1::/48");
    private static readonly IPNetwork s_sixToFour = IPNetwork.Parse("2002::/16");
    private static readonly IPNetwork s_teredo = IPNetwork.Parse("2001::/32");
    private static readonly IPNetwork s_ipv4Compatible = IPNetwork.Parse("::/96");

    private readonly IReadOnlyList<IPNetwork> _denied;
    private readonly IReadOnlyList<IPNetwork> _allowed;
    private readonly IReadOnlyList<int> _allowedPorts;

    public NetworkPolicy(ConnectionTestingOptions options)
    {
        _denied = [.. AlwaysDenied, .. options.EffectiveDeniedNetworks.Select(IPNetwork.Parse)];
        _allowed = [.. options.AllowedNetworks.Select(IPNetwork.Parse)];
        _allowedPorts = [.. options.AllowedPorts];
    }

    /// <summary>Null when allowed, else the reason in plain words.</summary>
    public string? Check(IPAddress address, int port)
    {
        var forms = Forms(address);
        foreach (var form in forms)
        {
            foreach (var denied in _denied.Where(n => n.Contains(form)))
            {
                return T["Policy.DeniedNetwork", Describe(address, form), denied];
            }
        }

        // Where traffic to a transition address ends up is the embedded IPv4 address, so both must be allowed.
        if (_allowed.Count > 0 && forms.FirstOrDefault(f => !Contains(_allowed, f)) is { } outside)
        {
            return T["Policy.NotAllowedNetwork", Describe(address, outside)];
        }

        return _allowedPorts.Count > 0 && !_allowedPorts.Contains(port) ? T["Policy.PortNotAllowed", port].Value : null;
    }

    /// <summary>The address itself (IPv4-mapped written as IPv4) and every IPv4 address embedded in it.</summary>
    internal static IReadOnlyList<IPAddress> Forms(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return [address.MapToIPv4()];
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return [address];
        }

        var bytes = address.GetAddressBytes();
        var forms = new List<IPAddress> { new(bytes) };
        if (s_nat64.Contains(address) || s_nat64LocalUse.Contains(address))
        {
            // RFC 6052's /96 layout. Other prefix lengths under 64:ff9b:1::/48 place the IPv4 address elsewhere; a
            // deployment that uses them denies the whole prefix.
            forms.Add(new IPAddress(bytes.AsSpan(12, 4)));
        }
        else if (s_sixToFour.Contains(address))
        {
            forms.Add(new IPAddress(bytes.AsSpan(2, 4)));
        }
        else if (s_teredo.Contains(address))
        {
            // Teredo carries the relay server's IPv4 address in clear and the client's with every bit inverted.
            forms.Add(new IPAddress(bytes.AsSpan(4, 4)));
            forms.Add(new IPAddress([.. bytes.AsSpan(12, 4).ToArray().Select(b => (byte)~b)]));
        }
        else if (s_ipv4Compatible.Contains(address) && !address.Equals(IPAddress.IPv6None) && !address.Equals(IPAddress.IPv6Loopback))
        {
            // Deprecated IPv4-compatible form (::a.b.c.d); :: and ::1 are IPv6's own unspecified and loopback addresses.
            forms.Add(new IPAddress(bytes.AsSpan(12, 4)));
        }

        return forms;
    }

    private static string Describe(IPAddress address, IPAddress form) =>
        form.AddressFamily == address.AddressFamily || address.IsIPv4MappedToIPv6 ? form.ToString() : T["Policy.CarriesIpv4", address, form];

    private static bool Contains(IReadOnlyList<IPNetwork> networks, IPAddress address) => networks.Any(n => n.Contains(address));
}
