namespace DestinationPortal.Core.Destinations;

public enum DestinationSortColumn
{
    Name,
    Type,
    Server,
    Database,
    TlsMode,
    LastTest,
    UpdatedAt,
}

/// <summary>One page of the Manage Destinations grid. <paramref name="Filter"/> matches name, server or database.</summary>
public sealed record DestinationListQuery(
    string? Filter = null,
    DestinationSortColumn SortBy = DestinationSortColumn.Name,
    bool Descending = false,
    int Skip = 0,
    int Take = 25);

public sealed record DestinationSummary(
    Guid Id,
    string Name,
    string TypeId,
    string ServerName,
    int Port,
    string Database,
    TlsMode TlsMode,
    bool? LastTestSucceeded,
    DateTime? LastTestAtUtc,
    DateTime UpdatedAtUtc,
    string UpdatedBy);

public sealed record DestinationPage(IReadOnlyList<DestinationSummary> Items, int TotalCount);

/// <summary>What Destination Details needs to edit a stored destination. The password itself is never part of it.</summary>
public sealed record DestinationForEdit(
    Guid Id,
    DestinationInput Input,
    bool HasPassword,
    Guid Version,
    DateTime CreatedAtUtc,
    string CreatedBy,
    DateTime UpdatedAtUtc,
    string UpdatedBy);

public enum SaveStatus
{
    Saved,
    Invalid,
    Conflict,
    NotFound,
}

/// <summary>Who saved the destination since the editor loaded it, and the version to save over it if the user chooses Overwrite.</summary>
public sealed record ConcurrencyConflict(string UpdatedBy, DateTime UpdatedAtUtc, Guid CurrentVersion);

public sealed record SaveResult(
    SaveStatus Status,
    Guid? Id = null,
    Guid? Version = null,
    IReadOnlyList<FieldError>? Errors = null,
    ConcurrencyConflict? Conflict = null)
{
    public IReadOnlyList<FieldError> FieldErrors => Errors ?? [];

    /// <summary>
    /// Invalid only because another destination has this name: the screens show it as a Name message like any
    /// other, the API answers 409 Conflict instead of 400.
    /// </summary>
    public bool NameTaken { get; init; }

    /// <summary>
    /// The bound fields (<see cref="PasswordBinding"/>) whose change removed the stored password in this save; empty
    /// when the password was kept, typed or cleared on purpose.
    /// </summary>
    public IReadOnlyList<string> PasswordRemovedBecause { get; init; } = [];
}
