using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Destinations;
using static DestinationPortal.IntegrationTests.ConnectionTesting.TesterHarness;

namespace DestinationPortal.IntegrationTests.ConnectionTesting;

/// <summary>
/// Threat T3: connection-string syntax typed into a field. The value below would turn a failing test into a passing one
/// if the tester pasted it into a connection string (the last "Database=" wins), so a run that fails, with the server
/// naming the whole value, proves the value reached PostgreSQL as one literal field. (Username cannot be shown the same
/// way: the probe sends it in its own binary startup message first, and the server refuses an unknown user there.)
/// </summary>
[Collection(PostgreSqlTestGroup.Name)]
public sealed class ConnectionStringInjectionTests(PostgreSqlServers servers)
{
    [Fact]
    public async Task RunAsync_DatabaseCarryingConnectionStringSyntax_IsSentAsOneLiteralName()
    {
        const string database = "no_such_db;Database=postgres";
        var logLine = $"database \"{database}\" does not exist";
        var before = await servers.Tls.CountLogLinesAsync(logLine);

        var events = await RunAsync(Destination(servers.Tls.Port, TestRoles.Scram, TlsMode.Require, database: database), TestRoles.ScramPassword);

        AssertFailed(events, ConnectionTestStage.Database, ConnectionTestCategory.Database, DestinationField.Database.Key);
        Assert.Equal("3D000", Outcome(events).SqlState);
        Assert.Equal(before + 1, await servers.Tls.CountLogLinesAsync(logLine));
    }
}
