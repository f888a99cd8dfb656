namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>One labelled fact in a stage report, e.g. ("Protocol", "TLS 1.3"). Values are plain text, never markup.</summary>
public sealed record ConnectionTestDetail(string Label, string Value);

/// <summary>
/// One step of a running test. A stage usually reports <see cref="ConnectionTestStatus.Running"/> and then a final status;
/// the last event of every run has <see cref="Stage"/> = <see cref="ConnectionTestStage.Result"/> and a non-null <see cref="Outcome"/>.
/// Messages and details may quote the server (error texts), so render them as text only.
/// </summary>
public sealed record ConnectionTestEvent(
    Guid RunId,
    ConnectionTestStage Stage,
    ConnectionTestStatus Status,
    string Message,
    IReadOnlyList<ConnectionTestDetail> Details,
    long ElapsedMilliseconds,
    ConnectionTestOutcome? Outcome = null);

/// <summary>
/// The verdict carried by the Result event. <see cref="Succeeded"/> is true when a connection was established and checked;
/// a success can still carry a <see cref="Category"/> (e.g. Permissions when the user cannot create tables).
/// </summary>
public sealed record ConnectionTestOutcome(
    bool Succeeded,
    ConnectionTestStage? ProblemStage,
    ConnectionTestCategory? Category,
    string Explanation,
    string? FieldToFix,
    string? SqlState,
    long TotalMilliseconds);
