namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// The words a person reads for each stage, status and category: the live report, the copied report, the history
/// and the audit trail all say these, never the enum names (which stay the API's JSON values).
/// </summary>
public static class ConnectionTestWords
{
    public static string Describe(this ConnectionTestStage stage) => stage switch
    {
        ConnectionTestStage.NameResolution => "Name resolution",
        ConnectionTestStage.TcpConnection => "TCP connection",
        ConnectionTestStage.Tls => "TLS",
        ConnectionTestStage.Authentication => "Authentication",
        ConnectionTestStage.Database => "Database",
        ConnectionTestStage.Result => "Result",
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, null),
    };

    public static string Describe(this ConnectionTestStatus status) => status switch
    {
        ConnectionTestStatus.Running => "Running",
        ConnectionTestStatus.Succeeded => "Succeeded",
        ConnectionTestStatus.Warning => "Warning",
        ConnectionTestStatus.Failed => "Failed",
        ConnectionTestStatus.Skipped => "Skipped",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static string Describe(this ConnectionTestCategory category) => category switch
    {
        ConnectionTestCategory.Network => "Network",
        ConnectionTestCategory.Tls => "TLS",
        ConnectionTestCategory.Authentication => "Authentication",
        ConnectionTestCategory.Database => "Database",
        ConnectionTestCategory.Permissions => "Permissions",
        ConnectionTestCategory.Timeout => "Timeout",
        ConnectionTestCategory.Cancelled => "Cancelled",
        ConnectionTestCategory.NotPostgreSql => "Not PostgreSQL",
        ConnectionTestCategory.RefusedByPolicy => "Refused by network policy",
        ConnectionTestCategory.Busy => "Portal busy",
        ConnectionTestCategory.Configuration => "Configuration",
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, null),
    };

    public static string Describe(this LastTestStatus status) => status switch
    {
        LastTestStatus.NotTested => "Not tested",
        LastTestStatus.Passed => "Passed",
        LastTestStatus.Failed => "Failed",
        LastTestStatus.Cancelled => "Cancelled",
        LastTestStatus.NotTestedSinceChange => "Not tested since change",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>
    /// A failed run's outcome in the audit trail: "Failed: TLS" or "Failed: Authentication (Permissions)". Rows written
    /// before this wording keep their old text ("Failed: Tls (Tls)"); nothing parses it.
    /// </summary>
    public static string FailedOutcome(ConnectionTestOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var stage = (outcome.ProblemStage ?? ConnectionTestStage.Result).Describe();
        return outcome.Category?.Describe() is { } category && category != stage ? $"Failed: {stage} ({category})" : $"Failed: {stage}";
    }

    /// <summary>What a socket error means, for messages that used to show the enum name ("HostNotFound").</summary>
    public static string Describe(this System.Net.Sockets.SocketError error) => error switch
    {
        System.Net.Sockets.SocketError.HostNotFound => "no such host",
        System.Net.Sockets.SocketError.TryAgain => "the name server did not answer; try again",
        System.Net.Sockets.SocketError.NoData => "the name has no address records",
        System.Net.Sockets.SocketError.NoRecovery => "the name server failed",
        System.Net.Sockets.SocketError.ConnectionRefused => "connection refused",
        System.Net.Sockets.SocketError.TimedOut => "timed out",
        System.Net.Sockets.SocketError.HostUnreachable => "host unreachable",
        System.Net.Sockets.SocketError.NetworkUnreachable => "network unreachable",
        System.Net.Sockets.SocketError.ConnectionReset => "connection reset by the server",
        System.Net.Sockets.SocketError.ConnectionAborted => "connection aborted",
        System.Net.Sockets.SocketError.AddressNotAvailable => "address not available",
        _ => $"socket error {(int)error}",
    };
}
