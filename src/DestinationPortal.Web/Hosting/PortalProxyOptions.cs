using System.ComponentModel.DataAnnotations;
using System.Net;

namespace DestinationPortal.Web.Hosting;

/// <summary>
/// The <c>Portal:Proxy</c> section: the reverse proxies or load balancers whose <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> the portal believes (environment: <c>Portal__Proxy__KnownProxies__0=10.0.0.5</c>).
/// Empty, the default, trusts nobody: the connection's own address is the client's.
/// </summary>
public sealed class PortalProxyOptions : IValidatableObject
{
    public const string SectionName = "Portal:Proxy";

    /// <summary>Networks in CIDR notation (<c>10.0.0.0/8</c>, <c>fd00::/8</c>) whose every address is a trusted proxy.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>Single addresses of trusted proxies (<c>10.0.0.5</c>, <c>::1</c>).</summary>
    public List<string> KnownProxies { get; set; } = [];

    public bool TrustsAnyProxy => KnownNetworks.Count > 0 || KnownProxies.Count > 0;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < KnownNetworks.Count; i++)
        {
            if (!IPNetwork.TryParse(KnownNetworks[i]?.Trim(), out _))
            {
                yield return new ValidationResult(
                    $"{SectionName}:{nameof(KnownNetworks)}:{i} ('{KnownNetworks[i]}') is not a network in CIDR notation, such as 10.0.0.0/8.",
                    [nameof(KnownNetworks)]);
            }
        }

        for (var i = 0; i < KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(KnownProxies[i]?.Trim(), out _))
            {
                yield return new ValidationResult(
                    $"{SectionName}:{nameof(KnownProxies)}:{i} ('{KnownProxies[i]}') is not an IP address, such as 10.0.0.5.",
                    [nameof(KnownProxies)]);
            }
        }
    }

    public IEnumerable<IPNetwork> Networks() => KnownNetworks.Select(n => IPNetwork.Parse(n.Trim()));

    public IEnumerable<IPAddress> Proxies() => KnownProxies.Select(p => IPAddress.Parse(p.Trim()));
}
