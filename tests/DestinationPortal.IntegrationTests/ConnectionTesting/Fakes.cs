using System.Net;
using DestinationPortal.Core.ConnectionTesting;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

/// <summary>Resolves listed names to fixed addresses and everything else through DNS.</summary>
internal sealed class FakeHostNameResolver(IReadOnlyDictionary<string, IPAddress[]> names) : IHostNameResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        names.TryGetValue(host, out var addresses)
            ? Task.FromResult(addresses)
            : new DnsHostNameResolver().ResolveAsync(host, cancellationToken);
}
