using System.Net;
using DestinationPortal.Core;
using DestinationPortal.Core.Access;
using DestinationPortal.Core.ConnectionTesting;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

internal sealed class FakeCurrentUser(string name, PortalRole? role = PortalRole.Editor) : ICurrentUser
{
    public string Name { get; } = name;

    public PortalRole? Role { get; set; } = role;

    public string? SourceAddress => "127.0.0.1";
}

/// <summary>Resolves listed names to fixed addresses and everything else through DNS.</summary>
internal sealed class FakeHostNameResolver(IReadOnlyDictionary<string, IPAddress[]> names) : IHostNameResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        names.TryGetValue(host, out var addresses)
            ? Task.FromResult(addresses)
            : new DnsHostNameResolver().ResolveAsync(host, cancellationToken);
}
