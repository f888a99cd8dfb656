namespace DestinationPortal.TestSupport;

/// <summary>
/// A running test server, reached at 127.0.0.1:<see cref="Port"/>, whichever way it was started (a local cluster or a
/// container): the same roles, pg_hba rules, certificates and log settings either way.
/// </summary>
public interface IPostgreSqlServer
{
    string Name { get; }

    int Port { get; }

    string SuperuserConnectionString();

    /// <summary>How many lines of the server log contain <paramref name="text"/>, counting everything logged so far.</summary>
    Task<int> CountLogLinesAsync(string text);

    Task StopAsync();
}
