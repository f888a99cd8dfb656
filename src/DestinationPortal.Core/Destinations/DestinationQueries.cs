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

/// <summary>One row of <c>GET /api/destinations</c>: what the Manage Destinations grid shows.</summary>
public sealed record DestinationListItem(
    Guid Id,
    string Name,
    string Type,
    string ServerName,
    int Port,
    string Database,
    TlsMode TlsMode,
    bool? LastTestSucceeded,
    DateTime? LastTestAtUtc,
    DateTime UpdatedAtUtc,
    string UpdatedBy);

public sealed record DestinationPage(IReadOnlyList<DestinationListItem> Items, int TotalCount);

/// <summary>
/// A stored destination as the screens and the API read it: the definition and who changed it when. The password itself
/// is never part of it; <see cref="DestinationInput.From"/> turns <see cref="Definition"/> into a form.
/// </summary>
public sealed record DestinationForEdit(
    Guid Id,
    DestinationDefinition Definition,
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
    /// <summary>The destination as stored after the save (Saved), or as someone else saved it (Conflict); read in the same call.</summary>
    public DestinationForEdit? Stored { get; init; }

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
