namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// What the Manage Destinations grid says about a destination's latest test: always about the definition as stored now.
/// Stored by name; the API sends the name too (<c>lastTestStatus</c>), the screens the words of
/// <see cref="ConnectionTestWords"/>.
/// </summary>
public enum LastTestStatus
{
    NotTested,
    Passed,
    Failed,
    Cancelled,

    /// <summary>A connection field or the password changed after the latest test, so that test says nothing about what is stored.</summary>
    NotTestedSinceChange,
}

public static class LastTestStatuses
{
    /// <summary>A cancelled run is neither passed nor failed: it tested nothing to the end.</summary>
    public static LastTestStatus Of(bool succeeded, ConnectionTestCategory? category) =>
        category == ConnectionTestCategory.Cancelled ? LastTestStatus.Cancelled
        : succeeded ? LastTestStatus.Passed
        : LastTestStatus.Failed;

    public static LastTestStatus Of(ConnectionTestRunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Of(run.Succeeded, run.Category);
    }

    /// <summary>The API's older yes/no view of the status: true only when Passed, false only when Failed, else null.</summary>
    public static bool? Succeeded(this LastTestStatus status) => status switch
    {
        LastTestStatus.Passed => true,
        LastTestStatus.Failed => false,
        _ => null,
    };
}
