using DestinationPortal.Core.Access;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Core.Localization;
using DestinationPortal.Core.Persistence;
using DestinationPortal.Core.Secrets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace DestinationPortal.Core.Destinations;

/// <summary>
/// Every read and write of destinations goes through here: validation, uniqueness, password protection and
/// optimistic concurrency live in one place for the screens and the API. Each call checks the caller's role
/// (whatever the screens hide) and saves its audit row with the change. Each call uses its own short-lived
/// DbContext; a Blazor circuit lives far longer than a context should.
/// </summary>
public sealed class DestinationService(
    IDbContextFactory<PortalDbContext> dbFactory,
    SecretProtector secrets,
    IWriteGate writeGate,
    ICurrentUser currentUser,
    AccessGuard guard,
    AuditLog audit,
    TestedConnections tested,
    TimeProvider clock,
    ILogger<DestinationService> logger)
{
    public async Task<DestinationPage> ListAsync(DestinationListQuery query, CancellationToken cancellationToken = default)
    {
        await guard.DemandAsync(PortalCapability.ViewDestinations, "reading destinations", cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var destinations = DestinationListing.Filter(db.Destinations.AsNoTracking(), query.Filter);
        var total = await destinations.CountAsync(cancellationToken);
        var items = await DestinationListing.Sort(destinations, query.SortBy, query.Descending)
            .Skip(Math.Max(0, query.Skip))
            .Take(Math.Clamp(query.Take, 1, 500))
            .Select(d => new DestinationListItem(
                d.Id, d.Name, d.TypeId, d.ServerName, d.Port, d.Database, d.TlsMode,
                d.LastTestSucceeded, d.LastTestAtUtc, d.UpdatedAtUtc, d.UpdatedBy)
            {
                LastTestStatus = d.LastTestStatus,
                HasPassword = d.ProtectedPassword != null,
                WindowsAuthentication = d.WindowsAuthentication,
            })
            .ToListAsync(cancellationToken);
        return new DestinationPage(items, total);
    }

    public async Task<DestinationForEdit?> GetForEditAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await guard.DemandAsync(PortalCapability.ViewDestinations, "reading destinations", cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var d = await db.Destinations.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, cancellationToken);
        return d is null ? null : ForEdit(d);
    }

    /// <summary>A new, unsaved form pre-filled from a stored destination, named "Copy of …". The password is not copied.</summary>
    public async Task<DestinationInput?> GetCopyAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var source = await GetForEditAsync(id, cancellationToken);
        return source is null ? null : DestinationInput.From(source.Definition) with { Name = CopyName(source.Definition.Name) };
    }

    /// <summary>
    /// Creates a copy of a stored destination in one step (the API's copy): named <paramref name="name"/> or "Copy of …",
    /// with <paramref name="password"/> or none; the stored password is never copied. NotFound when the source is gone.
    /// </summary>
    public async Task<SaveResult> CopyAsync(Guid id, string? name, string? password, CancellationToken cancellationToken = default)
    {
        await guard.DemandAsync(PortalCapability.EditDestinations, "creating destinations", cancellationToken);
        DestinationDefinition? source;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            source = (await db.Destinations.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, cancellationToken))?.ToDefinition();
        }

        return source is null
            ? new SaveResult(SaveStatus.NotFound)
            : await CreateCheckedAsync(DestinationInput.From(source) with { Name = name ?? CopyName(source.Name), Password = password ?? "" }, id, cancellationToken);
    }

    /// <summary>
    /// Test Connection's one check: the caller's role, the stored destination <paramref name="id"/> (if any: NotFound when
    /// it is gone) and the form <paramref name="input"/> (Invalid with the validator's messages). Without a form, the stored
    /// destination is tested exactly as saved. The runner runs only what this returns Ready.
    /// </summary>
    /// <exception cref="PortalAccessDeniedException">The caller's role does not allow testing (audited).</exception>
    public async Task<PreparedTest> PrepareTestAsync(Guid? id, DestinationInput? input, CancellationToken cancellationToken = default)
    {
        await guard.DemandAsync(PortalCapability.TestDestinations, "testing destinations", cancellationToken);
        DestinationForTest? saved = null;
        if (id is { } destinationId && (saved = await ReadForTestAsync(destinationId, cancellationToken)) is null)
        {
            return PreparedTest.NotFound;
        }

        if (input is null)
        {
            return saved is null ? throw new ArgumentException("A test needs a stored destination or a form.", nameof(input)) : PreparedTest.Ready(saved.Definition, null, saved);
        }

        var definition = DestinationValidator.TryCreateDefinition(input, out var errors);
        return definition is null ? PreparedTest.Invalid(errors) : PreparedTest.Ready(definition, input, saved);
    }

    private async Task<DestinationForTest?> ReadForTestAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var d = await FindForTestAsync(db, id, cancellationToken);
        return d is null ? null : new DestinationForTest(d.Id, d.ToDefinition(), d.ProtectedPassword, secrets);
    }

    /// <summary>A saved test's read of its destination; also run by <see cref="FirstUseWarmUp"/>, so EF compiles it once.</summary>
    internal static Task<Destination?> FindForTestAsync(PortalDbContext db, Guid id, CancellationToken cancellationToken) =>
        db.Destinations.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, cancellationToken);

    /// <summary>Creates a destination. <paramref name="copiedFrom"/> names the destination it was copied from, for the audit trail.</summary>
    public async Task<SaveResult> CreateAsync(DestinationInput input, Guid? copiedFrom = null, CancellationToken cancellationToken = default)
    {
        await guard.DemandAsync(PortalCapability.EditDestinations, "creating destinations", cancellationToken);
        return await CreateCheckedAsync(input, copiedFrom, cancellationToken);
    }

    // The role is checked by the caller, once.
    private async Task<SaveResult> CreateCheckedAsync(DestinationInput input, Guid? copiedFrom, CancellationToken cancellationToken)
    {
        var definition = DestinationValidator.TryCreateDefinition(input, out var errors);
        if (definition is null)
        {
            return new SaveResult(SaveStatus.Invalid, Errors: errors);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var entity = new Destination
        {
            Id = Guid.CreateVersion7(),
            CreatedAtUtc = now,
            CreatedBy = currentUser.Name,
            UpdatedAtUtc = now,
            UpdatedBy = currentUser.Name,
            Version = Guid.NewGuid(),
        };
        entity.Apply(definition);
        ApplyPassword(entity, input, definition, passwordBoundTo: null);
        CountTestOfWhatIsSaved(entity, input, definition);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await NameTakenAsync(db, entity.NormalizedName, exceptId: null, cancellationToken))
        {
            return SaveResult.DuplicateName(definition.Name);
        }

        db.Destinations.Add(entity);
        var copySource = copiedFrom is { } sourceId ? await db.Destinations.Where(d => d.Id == sourceId).Select(d => d.Name).SingleOrDefaultAsync(cancellationToken) : null;
        db.AuditEntries.Add(audit.Entry(
            copySource is null ? AuditActions.DestinationCreated : AuditActions.DestinationCopied,
            destinationId: entity.Id,
            destinationName: entity.Name,
            target: DestinationDefinition.FormatEndpoint(definition.ConnectHost, definition.Port),
            changedFields: DefinitionChanges.Between(null, definition, entity.ProtectedPassword is not null),
            details: copySource is null ? null : $"copied from \"{copySource}\" ({copiedFrom})"));
        if (!await TrySaveAsync(db, cancellationToken))
        {
            return SaveResult.DuplicateName(definition.Name);
        }

        logger.LogInformation("Destination {DestinationId} {DestinationName} created by {User}", entity.Id, entity.Name, currentUser.Name);
        return new SaveResult(SaveStatus.Saved, entity.Id, entity.Version) { Stored = ForEdit(entity) };
    }

    /// <summary>
    /// Saves over the version the editor loaded. If someone saved in between, nothing is written and the result
    /// says who and when; saving again with <see cref="ConcurrencyConflict.CurrentVersion"/> is the Overwrite choice.
    /// A null <paramref name="expectedVersion"/> saves over whatever is stored (the API's <c>If-Match: *</c>).
    /// </summary>
    public async Task<SaveResult> UpdateAsync(Guid id, Guid? expectedVersion, DestinationInput input, CancellationToken cancellationToken = default)
    {
        await guard.DemandAsync(PortalCapability.EditDestinations, "editing destinations", cancellationToken);
        var definition = DestinationValidator.TryCreateDefinition(input, out var errors);
        if (definition is null)
        {
            return new SaveResult(SaveStatus.Invalid, Errors: errors);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var entity = await db.Destinations.SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (entity is null)
        {
            return new SaveResult(SaveStatus.NotFound);
        }

        if (expectedVersion is { } expected && entity.Version != expected)
        {
            return Conflict(entity);
        }

        if (await NameTakenAsync(db, Destination.Normalize(definition.Name), exceptId: id, cancellationToken))
        {
            return SaveResult.DuplicateName(definition.Name);
        }

        var before = entity.ToDefinition();
        var passwordBefore = entity.ProtectedPassword;
        entity.Apply(definition);
        var removedBecause = ApplyPassword(entity, input, definition, passwordBoundTo: before);
        CountTestOfWhatIsSaved(entity, input, definition);
        db.AuditEntries.Add(audit.Entry(
            AuditActions.DestinationUpdated,
            destinationId: entity.Id,
            destinationName: entity.Name,
            target: DestinationDefinition.FormatEndpoint(definition.ConnectHost, definition.Port),
            changedFields: DefinitionChanges.Between(before, definition, !ReferenceEquals(passwordBefore, entity.ProtectedPassword) && (passwordBefore is not null || entity.ProtectedPassword is not null))));
        entity.UpdatedAtUtc = clock.GetUtcNow().UtcDateTime;
        entity.UpdatedBy = currentUser.Name;
        entity.Version = Guid.NewGuid();

        try
        {
            if (!await TrySaveAsync(db, cancellationToken))
            {
                return SaveResult.DuplicateName(definition.Name);
            }
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another process wrote between our read and our write; the WHERE Version = @old caught it.
            await using var fresh = await dbFactory.CreateDbContextAsync(cancellationToken);
            var current = await fresh.Destinations.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
            return current is null ? new SaveResult(SaveStatus.NotFound) : Conflict(current);
        }

        logger.LogInformation("Destination {DestinationId} {DestinationName} updated by {User}", entity.Id, entity.Name, currentUser.Name);
        return new SaveResult(SaveStatus.Saved, entity.Id, entity.Version) { PasswordRemovedBecause = removedBecause, Stored = ForEdit(entity) };
    }

    /// <summary>Deletes the destination; false when it was already gone.</summary>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await guard.DemandAsync(PortalCapability.EditDestinations, "deleting destinations", cancellationToken);
        // Held for the whole transaction: its first statement takes SQLite's write lock, which a writer waiting inside
        // the gate would otherwise wait on while this transaction's SaveChanges waits on the gate.
        using var _ = await writeGate.EnterAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var entity = await db.Destinations.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (entity is null)
        {
            return false;
        }

        // Deleted by id whatever its version (an edit in between does not save it), together with its audit row.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.Destinations.Where(d => d.Id == id).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return false;
        }

        db.AuditEntries.Add(audit.Entry(
            AuditActions.DestinationDeleted, destinationId: entity.Id, destinationName: entity.Name, target: DestinationDefinition.FormatEndpoint(entity.ToDefinition().ConnectHost, entity.Port)));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        logger.LogInformation("Destination {DestinationId} deleted by {User}", id, currentUser.Name);
        return true;
    }

    private static DestinationForEdit ForEdit(Destination d) =>
        new(d.Id, d.ToDefinition(), d.ProtectedPassword is not null, d.Version, d.CreatedAtUtc, d.CreatedBy, d.UpdatedAtUtc, d.UpdatedBy);

    private static string CopyName(string name)
    {
        // Pre-filled text the user reads and may keep, so in their language.
        var copy = DestinationMessages.Text("Copy.Name", name);
        return copy.Length <= DestinationValidator.MaxNameLength ? copy : copy[..DestinationValidator.MaxNameLength].TrimEnd();
    }

    /// <summary>
    /// A typed password is bound to <paramref name="target"/>. Without one, a stored password stays only while the
    /// target it was saved for (<paramref name="passwordBoundTo"/>) is unchanged (<see cref="PasswordBinding"/>): a
    /// changed target removes it, never keeps it. Returns the bound fields that removed it, or an empty list.
    /// </summary>
    private IReadOnlyList<string> ApplyPassword(Destination entity, DestinationInput input, DestinationDefinition target, DestinationDefinition? passwordBoundTo)
    {
        if (input.ClearPassword)
        {
            if (entity.ProtectedPassword is not null)
            {
                entity.MarkConnectionChanged();
            }

            entity.ProtectedPassword = null;
        }
        else if (input.Password.Length > 0)
        {
            // Typed again, perhaps the same: the stored one cannot be compared without decrypting it, so it counts as a change.
            entity.MarkConnectionChanged();
            entity.ProtectedPassword = secrets.ProtectFor(input.Password, target);
        }
        else if (entity.ProtectedPassword is not null && passwordBoundTo is not null
                 && PasswordBinding.ChangedFields(passwordBoundTo, target) is { Count: > 0 } changed)
        {
            entity.ProtectedPassword = null;
            return changed;
        }

        return [];
    }

    /// <summary>
    /// "A test of exactly the definition then saved counts for it": the latest run by this user, recent enough, of exactly
    /// these connection fields and this password (<see cref="TestedConnections"/>) becomes the last test, unless a newer
    /// test of the unchanged destination is already recorded. The server finds the run; nothing the caller sends can name one.
    /// </summary>
    private void CountTestOfWhatIsSaved(Destination entity, DestinationInput input, DestinationDefinition saved)
    {
        var password = saved.WindowsAuthentication ? SentPassword.None
            : input.Password.Length > 0 ? SentPassword.Typed(input.Password)
            : entity.ProtectedPassword is { } stored ? SentPassword.Stored(stored)
            : SentPassword.None;
        if (tested.Find(currentUser.User.Id, saved, password) is { } run
            && (entity.LastTestStatus is LastTestStatus.NotTested or LastTestStatus.NotTestedSinceChange || run.StartedAtUtc > entity.LastTestAtUtc))
        {
            entity.RecordTest(run.Status, run.StartedAtUtc);
        }
    }

    private static Task<bool> NameTakenAsync(PortalDbContext db, string normalizedName, Guid? exceptId, CancellationToken cancellationToken) =>
        db.Destinations.AnyAsync(d => d.NormalizedName == normalizedName && d.Id != exceptId, cancellationToken);

    /// <summary>False when the unique name index refused the write (a race the pre-check could not see).</summary>
    private static async Task<bool> TrySaveAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException ex) when (StoreErrors.IsUniqueViolation(ex))
        {
            return false;
        }
    }

    private static SaveResult Conflict(Destination current) =>
        new(SaveStatus.Conflict, current.Id, current.Version, Conflict: new ConcurrencyConflict(current.UpdatedBy, current.UpdatedAtUtc, current.Version))
        {
            Stored = ForEdit(current),
        };
}
