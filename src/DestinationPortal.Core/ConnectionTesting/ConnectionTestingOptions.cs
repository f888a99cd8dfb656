using System.ComponentModel.DataAnnotations;
using System.Net;

namespace DestinationPortal.Core.ConnectionTesting;

public enum ConnectionTestingMode
{
    /// <summary>Tests run.</summary>
    Enabled,

    /// <summary>The button may be shown, but every test is refused by policy.</summary>
    Disabled,

    /// <summary>The UI should not offer testing at all; the service refuses as for Disabled.</summary>
    Hidden,
}

/// <summary>
/// The <c>ConnectionTesting</c> configuration section (environment: <c>ConnectionTesting__Key</c>).
/// Test Connection lets a portal user make this server open sockets to a host of their choice, so it is an SSRF
/// surface: these settings bound where it may connect and how many tests may run at once.
/// </summary>
public sealed class ConnectionTestingOptions : IValidatableObject
{
    public const string SectionName = "ConnectionTesting";

    /// <summary>
    /// Used when <see cref="DeniedNetworks"/> is not configured: link-local (cloud metadata endpoints such as
    /// 169.254.169.254), "this network" and multicast. Loopback (127.0.0.0/8, ::1) is deliberately NOT denied by default:
    /// a PostgreSQL server on the portal's own host is a legitimate destination and the integration tests use it.
    /// Deployments where loopback services must stay private add 127.0.0.0/8 and ::1/128 to <see cref="DeniedNetworks"/>.
    /// </summary>
    public static IReadOnlyList<string> DefaultDeniedNetworks { get; } =
        ["169.254.0.0/16", "fe80::/10", "0.0.0.0/8", "224.0.0.0/4", "ff00::/8"];

    public ConnectionTestingMode Mode { get; set; } = ConnectionTestingMode.Enabled;

    /// <summary>
    /// CIDR ranges no test may connect to. When configured, the list replaces <see cref="DefaultDeniedNetworks"/>;
    /// <see cref="NetworkPolicy.AlwaysDenied"/> (0.0.0.0/8, ::, broadcast, multicast) is denied either way.
    /// </summary>
    public IList<string>? DeniedNetworks { get; set; }

    /// <summary>When non-empty, every resolved address must also fall in one of these CIDR ranges.</summary>
    public IList<string> AllowedNetworks { get; set; } = [];

    /// <summary>When non-empty, only these ports may be tested.</summary>
    public IList<int> AllowedPorts { get; set; } = [];

    [Range(1, 1000)]
    public int MaxConcurrentTests { get; set; } = 8;

    [Range(1, 100)]
    public int MaxConcurrentTestsPerUser { get; set; } = 2;

    /// <summary>Added to the destination's own timeout to form the hard deadline of a whole test run.</summary>
    [Range(0, 60)]
    public int DeadlineMarginSeconds { get; set; } = 2;

    public IReadOnlyList<string> EffectiveDeniedNetworks => DeniedNetworks is { } configured ? [.. configured] : DefaultDeniedNetworks;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (key, cidr) in EffectiveDeniedNetworks.Select(c => (nameof(DeniedNetworks), c))
                     .Concat(AllowedNetworks.Select(c => (nameof(AllowedNetworks), c))))
        {
            if (!IPNetwork.TryParse(cidr, out _))
            {
                yield return new ValidationResult($"'{cidr}' is not a network in CIDR notation (e.g. 10.0.0.0/8).", [key]);
            }
        }

        foreach (var port in AllowedPorts.Where(p => p is < 1 or > 65535))
        {
            yield return new ValidationResult($"{port} is not a TCP port.", [nameof(AllowedPorts)]);
        }
    }
}
