using System.Text.Json.Serialization;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Localization;

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
    string UpdatedBy)
{
    /// <summary>What the latest test says about the definition as stored now; <see cref="LastTestSucceeded"/> is its older yes/no view.</summary>
    public LastTestStatus LastTestStatus { get; init; }

    public bool HasPassword { get; init; }

    public bool WindowsAuthentication { get; init; }

    /// <summary>Password authentication without a saved password: a test or a use of it would send none.</summary>
    [JsonIgnore]
    public bool MissingPassword => !HasPassword && !WindowsAuthentication;
}

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

    internal static SaveResult DuplicateName(string name) => new(
        SaveStatus.Invalid,
        Errors: [new FieldError(DestinationField.Name.Key, DestinationMessages.Text("Save.DuplicateName", name))])
    {
        NameTaken = true,
    };
}

/// <summary>The grid's filter and sort as SQL, shared by the list and by export.</summary>
internal static class DestinationListing
{
    /// <summary>
    /// The same order on SQLite and PostgreSQL (the keys sort with collation "C" there, decision 42).
    /// Name, Server and Database sort by their <see cref="SearchKey"/>: "Änderungen" beside "anmelden", not after "z",
    /// the same in English and German (both put ä with a), and served by an index on the key.
    /// </summary>
    public static IQueryable<Destination> Sort(IQueryable<Destination> source, DestinationSortColumn column, bool descending)
    {
        // Id is the final tie-breaker so paging is stable when many rows share a value.
        IOrderedQueryable<Destination> ordered = column switch
        {
            DestinationSortColumn.Type => descending ? source.OrderByDescending(d => d.TypeId) : source.OrderBy(d => d.TypeId),
            DestinationSortColumn.Server => descending ? source.OrderByDescending(d => d.ServerNameKey).ThenByDescending(d => d.Port) : source.OrderBy(d => d.ServerNameKey).ThenBy(d => d.Port),
            DestinationSortColumn.Database => descending ? source.OrderByDescending(d => d.DatabaseKey) : source.OrderBy(d => d.DatabaseKey),
            DestinationSortColumn.TlsMode => descending ? source.OrderByDescending(d => d.TlsMode) : source.OrderBy(d => d.TlsMode),
            // Never tested first, as SQLite sorts NULL; PostgreSQL would put it last. Said in the query so both stores agree.
            DestinationSortColumn.LastTest => descending
                ? source.OrderByDescending(d => d.LastTestAtUtc != null).ThenByDescending(d => d.LastTestAtUtc)
                : source.OrderBy(d => d.LastTestAtUtc != null).ThenBy(d => d.LastTestAtUtc),
            DestinationSortColumn.UpdatedAt => descending ? source.OrderByDescending(d => d.UpdatedAtUtc) : source.OrderBy(d => d.UpdatedAtUtc),
            _ => descending ? source.OrderByDescending(d => d.NameKey) : source.OrderBy(d => d.NameKey),
        };
        return descending ? ordered.ThenByDescending(d => d.Id) : ordered.ThenBy(d => d.Id);
    }

    /// <summary>
    /// The grid's "Type to filter": name, server or database containing the text, ignoring case and accents
    /// (<see cref="SearchKey"/>). Export uses it too.
    /// </summary>
    internal static IQueryable<Destination> Filter(IQueryable<Destination> destinations, string? filter)
    {
        filter = filter?.Trim();
        if (string.IsNullOrEmpty(filter))
        {
            return destinations;
        }

        // instr() on the stored keys: a "contains" cannot use an index whatever the column holds, but the scan
        // compares plain text instead of calling back into .NET for each row.
        var key = SearchKey.For(filter);
        return destinations.Where(d => d.NameKey.Contains(key) || d.ServerNameKey.Contains(key) || d.DatabaseKey.Contains(key));
    }
}
