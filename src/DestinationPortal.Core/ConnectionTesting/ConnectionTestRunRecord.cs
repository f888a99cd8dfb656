namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>One finished test of a stored destination: its outcome and its report text, never a secret.</summary>
public sealed class ConnectionTestRunRecord
{
    public Guid Id { get; set; }

    public Guid DestinationId { get; set; }

    public DateTime StartedAtUtc { get; set; }

    public required string StartedBy { get; set; }

    /// <summary>host:port the test connected to (the private endpoint when set).</summary>
    public required string Target { get; set; }

    /// <summary>True when the form had changes that were not saved: the result describes those, not the stored definition.</summary>
    public bool TestedUnsavedChanges { get; set; }

    public bool Succeeded { get; set; }

    public ConnectionTestStage? ProblemStage { get; set; }

    public ConnectionTestCategory? Category { get; set; }

    public required string Explanation { get; set; }

    public string? SqlState { get; set; }

    public long TotalMilliseconds { get; set; }

    public required string ReportText { get; set; }
}
