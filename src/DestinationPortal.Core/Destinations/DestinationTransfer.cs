using System.Globalization;
using System.Text.Json;
using DestinationPortal.Core.Access;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.Localization;
using DestinationPortal.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace DestinationPortal.Core.Destinations;

/// <summary>
/// Export and import of destination definitions, without secrets, for the screens and the API. Import reads and
/// validates the whole document first (the form's validator and words), plans every entry against the stored
/// destinations, and applies the plan in one SaveChanges (one transaction), so an import is written entirely or not
/// at all. Both are for roles that edit destinations: moving definitions between portals is an editing task.
/// </summary>
/// <remarks>
/// Matching: an entry with an <c>id</c> is that destination (updated, or created with that id so later imports of the
/// same file match it again); an entry without one is matched by name, ignoring case. A name that belongs to a
/// different destination is a conflict, shown in the plan, and blocks the import: the file must be fixed first.
/// </remarks>
public sealed class DestinationTransfer(
    IDbContextFactory<PortalDbContext> dbFactory,
    IWriteGate writeGate,
    ICurrentUser currentUser,
    AccessGuard guard,
    AuditLog audit,
    TimeProvider clock,
    ILogger<DestinationTransfer> logger)
{
    /// <summary>The destinations with these ids, or those matching the grid's filter, or all; sorted by name.</summary>
    public async Task<DestinationDocument> ExportAsync(IReadOnlyCollection<Guid>? ids = null, string? filter = null, CancellationToken cancellationToken = default)
    {
        await guard.DemandAsync(PortalCapability.EditDestinations, "exporting destinations", cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = DestinationListing.Filter(db.Destinations.AsNoTracking(), filter);
        if (ids is { Count: > 0 })
        {
            query = query.Where(d => ids.Contains(d.Id));
        }

        var rows = await query.OrderBy(d => d.NormalizedName).ThenBy(d => d.Id).ToListAsync(cancellationToken);
        var document = new DestinationDocument
        {
            ExportedAtUtc = clock.GetUtcNow().UtcDateTime,
            ExportedBy = currentUser.Name,
            Destinations = [.. rows.Select(d => DestinationDocumentEntry.From(d.Id, d.ToDefinition(), d.ProtectedPassword is not null))],
        };

        // Reads are not audited, but a bulk copy of every definition leaving the portal is worth a line.
        var scope = ids is { Count: > 0 } ? $"{ids.Count} chosen" : string.IsNullOrWhiteSpace(filter) ? "all" : $"matching \"{filter.Trim()}\"";
        await audit.WriteAsync(audit.Entry(AuditActions.DestinationsExported, details: $"{rows.Count} destinations exported ({scope})"), CancellationToken.None);
        return document;
    }

    public static byte[] Serialize(DestinationDocument document) => JsonSerializer.SerializeToUtf8Bytes(document, DestinationJson.IndentedOptions);

    /// <summary>
    /// Reads, validates and plans <paramref name="json"/>; unless <paramref name="dryRun"/>, applies the plan when it
    /// has no problem and no conflict. Each created or updated destination gets its own audit row, saved in the same
    /// transaction as the change.
    /// </summary>
    public async Task<ImportResult> ImportAsync(ReadOnlyMemory<byte> json, bool dryRun, CancellationToken cancellationToken = default)
    {
        await guard.DemandAsync(PortalCapability.EditDestinations, "importing destinations", cancellationToken);
        var read = DestinationDocumentReader.Read(json);
        var problems = new List<ImportProblem>(read.Problems);
        var entries = Validate(read.Entries, problems);
        if (problems.Count > 0)
        {
            return new ImportResult(ImportPlan.Invalid(problems), dryRun, Applied: false);
        }

        if (dryRun)
        {
            await using var readOnly = await dbFactory.CreateDbContextAsync(cancellationToken);
            return new ImportResult((await PlanAsync(readOnly, entries, cancellationToken)).Plan, DryRun: true, Applied: false);
        }

        // Planned again under the write gate: what was planned is exactly what is written.
        using var _ = await writeGate.EnterAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (plan, steps) = await PlanAsync(db, entries, cancellationToken);
        if (!plan.CanApply)
        {
            return new ImportResult(plan, DryRun: false, Applied: false);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var batch = $"import: {plan.CreateCount} created, {plan.UpdateCount} updated, {plan.UnchangedCount} unchanged";
        foreach (var step in steps.Where(s => s.Item.Action is ImportAction.Create or ImportAction.Update))
        {
            var target = DestinationDefinition.FormatEndpoint(step.Definition.ConnectHost, step.Definition.Port);
            if (step.Existing is { } entity)
            {
                var before = entity.ToDefinition();
                entity.Apply(step.Definition);
                if (step.Item.ClearsPassword)
                {
                    entity.ProtectedPassword = null;
                }

                entity.UpdatedAtUtc = now;
                entity.UpdatedBy = currentUser.Name;
                entity.Version = Guid.NewGuid();
                db.AuditEntries.Add(audit.Entry(AuditActions.DestinationUpdated, destinationId: entity.Id, destinationName: entity.Name, target: target,
                    changedFields: DefinitionChanges.Between(before, step.Definition, passwordChanged: step.Item.ClearsPassword), details: batch));
            }
            else
            {
                var created = new Destination
                {
                    Id = step.Item.Id ?? Guid.CreateVersion7(),
                    CreatedAtUtc = now,
                    CreatedBy = currentUser.Name,
                    UpdatedAtUtc = now,
                    UpdatedBy = currentUser.Name,
                    Version = Guid.NewGuid(),
                };
                created.Apply(step.Definition);
                db.Destinations.Add(created);
                step.CreatedId = created.Id;
                db.AuditEntries.Add(audit.Entry(AuditActions.DestinationCreated, destinationId: created.Id, destinationName: created.Name, target: target,
                    changedFields: DefinitionChanges.Between(null, step.Definition, passwordChanged: false), details: batch));
            }
        }

        try
        {
            // One SaveChanges is one transaction: every row, audit rows included, or none.
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (StoreErrors.IsUniqueViolation(ex))
        {
            // The plan already refuses names held by other destinations; the unique index is the last word if anything slipped past it.
            return new ImportResult(
                ImportPlan.Invalid([new ImportProblem("destinations", DestinationMessages.Text("Import.NameTakenWhileWriting"))]),
                DryRun: false,
                Applied: false);
        }

        logger.LogInformation("Import by {User}: {Created} created, {Updated} updated, {Unchanged} unchanged", currentUser.Name, plan.CreateCount, plan.UpdateCount, plan.UnchangedCount);
        var applied = plan with { Items = [.. steps.Select(s => s.CreatedId is { } id ? s.Item with { Id = id } : s.Item)] };
        return new ImportResult(applied, DryRun: false, Applied: true);
    }

    // The form's validator on every entry that could be read, then names and ids that appear twice. Problems are
    // kept in file order, so the first message is about the first entry to fix.
    private static List<ValidEntry> Validate(IReadOnlyList<DocumentEntry> entries, List<ImportProblem> problems)
    {
        var valid = new List<ValidEntry>(entries.Count);
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        var byId = new Dictionary<Guid, int>();
        foreach (var (index, entry) in entries)
        {
            var path = $"destinations[{index.ToString(CultureInfo.InvariantCulture)}]";
            var definition = DestinationValidator.TryCreateDefinition(entry.ToInput(), out var errors);
            foreach (var error in errors)
            {
                problems.Add(new ImportProblem($"{path}.{DestinationJson.PropertyName(error.Field)}", error.Message, index, entry.Name));
            }

            if (definition is null)
            {
                continue;
            }

            if (byName.TryGetValue(Destination.Normalize(definition.Name), out var first))
            {
                problems.Add(new ImportProblem($"{path}.name",
                    DestinationMessages.Text("Import.DuplicateName", definition.Name, first + 1, index + 1), index, entry.Name));
                continue;
            }

            if (entry.Id is { } id && byId.TryGetValue(id, out var sameId))
            {
                problems.Add(new ImportProblem($"{path}.id", DestinationMessages.Text("Import.DuplicateId", id, sameId + 1, index + 1), index, entry.Name));
                continue;
            }

            byName[Destination.Normalize(definition.Name)] = index;
            if (entry.Id is { } newId)
            {
                byId[newId] = index;
            }

            valid.Add(new ValidEntry(index, entry, definition));
        }

        var inFileOrder = problems.OrderBy(p => p.Entry ?? -1).ToList();
        problems.Clear();
        problems.AddRange(inFileOrder);
        return valid;
    }

    private static async Task<(ImportPlan Plan, List<PlanStep> Steps)> PlanAsync(PortalDbContext db, List<ValidEntry> entries, CancellationToken cancellationToken)
    {
        var ids = entries.Where(e => e.Entry.Id is not null).Select(e => e.Entry.Id!.Value).ToList();
        var names = entries.Select(e => Destination.Normalize(e.Definition.Name)).ToList();
        var existing = await db.Destinations
            .Where(d => ids.Contains(d.Id) || names.Contains(d.NormalizedName))
            .ToListAsync(cancellationToken);
        var byId = existing.ToDictionary(d => d.Id);
        var byName = existing.ToDictionary(d => d.NormalizedName, StringComparer.Ordinal);
        var claimed = new Dictionary<Guid, int>();
        var steps = new List<PlanStep>(entries.Count);

        foreach (var (index, entry, definition) in entries)
        {
            var owner = byName.GetValueOrDefault(Destination.Normalize(definition.Name));
            var target = entry.Id is { } id ? byId.GetValueOrDefault(id) : owner;
            ImportPlanItem item;
            if (target is null && entry.Id is { } newId && owner is not null)
            {
                item = Conflict(index, definition.Name, newId,
                    DestinationMessages.Text("Import.Conflict.NameTaken", owner.Id, owner.Name));
            }
            else if (target is null)
            {
                item = new ImportPlanItem(index, definition.Name, entry.Id, ImportAction.Create, NeedsPassword(definition, entry, null), []);
            }
            else if (owner is not null && owner.Id != target.Id)
            {
                item = Conflict(index, definition.Name, target.Id,
                    DestinationMessages.Text("Import.Conflict.RenameCollides", target.Name, definition.Name, owner.Id));
            }
            else if (claimed.TryGetValue(target.Id, out var earlier))
            {
                item = Conflict(index, definition.Name, target.Id, DestinationMessages.Text("Import.Conflict.AlreadyImported", earlier + 1, target.Name));
            }
            else
            {
                claimed[target.Id] = index;
                // Files never carry passwords, so a stored one survives an import only while its target is unchanged.
                var clearsPassword = target.ProtectedPassword is not null && !PasswordBinding.SameTarget(target.ToDefinition(), definition);
                var changes = DefinitionChanges.Describe(target.ToDefinition(), definition, passwordChanged: clearsPassword);
                item = new ImportPlanItem(index, definition.Name, target.Id, changes.Count == 0 ? ImportAction.Unchanged : ImportAction.Update,
                    NeedsPassword(definition, entry, clearsPassword ? null : target), [.. changes.Select(c => c.Field)])
                {
                    ClearsPassword = clearsPassword,
                    Changes = changes,
                };
            }

            steps.Add(new PlanStep(item, definition, item.Action is ImportAction.Update or ImportAction.Unchanged ? target : null));
        }

        return (new ImportPlan([.. steps.Select(s => s.Item)], []), steps);
    }

    private static bool NeedsPassword(DestinationDefinition definition, DestinationDocumentEntry entry, Destination? existing) =>
        !definition.WindowsAuthentication && entry.HasPassword != false && existing?.ProtectedPassword is null;

    private static ImportPlanItem Conflict(int index, string name, Guid id, string message) =>
        new(index, name, id, ImportAction.Conflict, NeedsPassword: false, [], message);

    private sealed record ValidEntry(int Index, DestinationDocumentEntry Entry, DestinationDefinition Definition);

    private sealed record PlanStep(ImportPlanItem Item, DestinationDefinition Definition, Destination? Existing)
    {
        public Guid? CreatedId { get; set; }
    }
}
