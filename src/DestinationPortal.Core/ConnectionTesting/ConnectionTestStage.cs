namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>The stages of a test, in the order they run.</summary>
public enum ConnectionTestStage
{
    NameResolution,
    TcpConnection,
    Tls,
    Authentication,
    Database,
    Result,
}

public enum ConnectionTestStatus
{
    Running,
    Succeeded,
    Warning,
    Failed,
    Skipped,
}

/// <summary>Why a test did not succeed cleanly; the UI picks wording and the field to highlight from it.</summary>
public enum ConnectionTestCategory
{
    Network,
    Tls,
    Authentication,
    Database,
    Permissions,
    Timeout,
    Cancelled,
    NotPostgreSql,
    RefusedByPolicy,
    Busy,
    Configuration,
}
