// Runs one Test Connection in a process of its own and prints its events as JSON lines, or (identity) prints the
// portal's Kerberos identity. MIT Kerberos reads KRB5_CONFIG, KRB5CCNAME and KRB5_CLIENT_KTNAME with getenv, and
// Environment.SetEnvironmentVariable does not change what getenv sees on Linux, so a test cannot give its own process
// a realm: the integration tests start this program with the variables set instead.
using System.Text.Json;
using DestinationPortal.ConnectionTestHost;
using DestinationPortal.Core;
using DestinationPortal.Core.Access;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.TestSupport;
using Microsoft.Extensions.DependencyInjection;

var services = new ServiceCollection();
// The same registration as the web app; no settings means every option has its default.
services.AddPortalCoreForTests([]);
// The host runs one test on behalf of the test suite, as an Editor would.
services.AddSingleton<ICurrentUser>(new TestCurrentUser("connection-test-host", PortalRole.Editor, "127.0.0.1"));
await using var provider = services.BuildServiceProvider();
await using var scope = provider.CreateAsyncScope();

switch (args)
{
    case [HostProtocol.IdentityCommand]:
        Console.WriteLine(JsonSerializer.Serialize(scope.ServiceProvider.GetRequiredService<IKerberosIdentityReader>().Read(), HostProtocol.JsonOptions));
        return 0;
    case [HostProtocol.TestCommand]:
        var request = JsonSerializer.Deserialize<HostRequest>(await Console.In.ReadToEndAsync(), HostProtocol.JsonOptions)
            ?? throw new InvalidOperationException("No request on stdin.");
        var tester = scope.ServiceProvider.GetRequiredService<ConnectionTester>();
        await foreach (var item in tester.RunAsync(new ConnectionTestRequest(Guid.NewGuid(), request.Destination, request.Password)))
        {
            Console.WriteLine(JsonSerializer.Serialize(item, HostProtocol.JsonOptions));
        }

        return 0;
    default:
        await Console.Error.WriteLineAsync($"usage: {HostProtocol.TestCommand} (request as JSON on stdin) | {HostProtocol.IdentityCommand}");
        return 2;
}
