namespace DestinationPortal.Core.Destinations;

public enum ImportAction
{
    /// <summary>No destination matches: one is created (with the entry's id, when it has one).</summary>
    Create,

    /// <summary>
    /// The entry's destination exists and differs: its definition is replaced; its password is kept only while the
    /// target it was saved for is unchanged (<see cref="ImportPlanItem.ClearsPassword"/>).
    /// </summary>
    Update,

    /// <summary>The entry's destination exists with exactly this definition.</summary>
    Unchanged,

    /// <summary>The entry's name belongs to a different destination; nothing is applied until the file is fixed.</summary>
    Conflict,
}

/// <summary>
/// What import does with one entry. <see cref="NeedsPassword"/>: after the import the destination has no saved
/// password but one is expected (not Windows Authentication, and the export did not say it had none).
/// </summary>
public sealed record ImportPlanItem(
    int Entry,
    string Name,
    Guid? Id,
    ImportAction Action,
    bool NeedsPassword,
    IReadOnlyList<string> ChangedFields,
    string? Message = null)
{
    /// <summary>
    /// The update changes a field the stored password is bound to (<see cref="PasswordBinding"/>), so the import
    /// removes that password; <see cref="ChangedFields"/> then lists "Password" too.
    /// </summary>
    public bool ClearsPassword { get; init; }

    /// <summary><see cref="ChangedFields"/> with old and new values, for the person deciding; secrets only say "changed".</summary>
    public IReadOnlyList<FieldChange> Changes { get; init; } = [];
}

/// <summary>
/// The dry-run answer, and what an applied import did. With <see cref="Problems"/> the document itself is unusable
/// (and <see cref="Items"/> is empty); with a conflict the plan is complete but cannot be applied.
/// </summary>
public sealed record ImportPlan(IReadOnlyList<ImportPlanItem> Items, IReadOnlyList<ImportProblem> Problems)
{
    public int CreateCount => Items.Count(i => i.Action == ImportAction.Create);

    public int UpdateCount => Items.Count(i => i.Action == ImportAction.Update);

    public int UnchangedCount => Items.Count(i => i.Action == ImportAction.Unchanged);

    public int ConflictCount => Items.Count(i => i.Action == ImportAction.Conflict);

    public int NeedsPasswordCount => Items.Count(i => i.NeedsPassword);

    public int ClearsPasswordCount => Items.Count(i => i.ClearsPassword);

    public bool IsValid => Problems.Count == 0;

    /// <summary>Valid and free of conflicts: applying it writes every create and update, or nothing.</summary>
    public bool CanApply => IsValid && ConflictCount == 0;

    public bool ChangesSomething => CreateCount + UpdateCount > 0;

    public static ImportPlan Invalid(IReadOnlyList<ImportProblem> problems) => new([], problems);
}

/// <summary>An import's answer: the plan, and whether it was written (never for a dry run, an invalid document or a conflict).</summary>
public sealed record ImportResult(ImportPlan Plan, bool DryRun, bool Applied);
