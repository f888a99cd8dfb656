namespace DestinationPortal.IntegrationTests;

/// <summary>
/// The tests that share one set of <see cref="PostgreSqlServers"/>. xunit finds collection definitions only in the test
/// assembly itself, so this stays here while the servers live in the shared test support.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgreSqlTestGroup : ICollectionFixture<PostgreSqlServers>
{
    public const string Name = "PostgreSQL servers";
}
