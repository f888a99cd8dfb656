using System.Globalization;
using System.Runtime.CompilerServices;
using DestinationPortal.Core.Access;
using DestinationPortal.Core.Auditing;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Core.Localization;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// Test Connection as the portal offers it: tests what a form holds (saved or not, never saving), decides which
/// password may be sent, lets other watchers of the destination see the run live, and records its outcome.
/// The screens, the hub and the API call this; <see cref="IConnectionTester"/> does the network work. The role, the
/// stored destination and the form are checked once, by <see cref="DestinationService.PrepareTestAsync"/>; every run
/// is audited. A run is recorded (history and audit) before its Result is announced to watchers, and never waits for
/// them; <c>origin</c> names who asks (a page, a hub connection) so that watchers with the same origin are not sent the
/// run's events back.
/// </summary>
public sealed class DestinationTestRunner(
    DestinationService destinations,
    IConnectionTester tester,
    ConnectionTestBroadcaster broadcaster,
    ConnectionTestHistory history,
    TestedConnections tested,
    ICurrentUser currentUser,
    AuditLog audit,
    TimeProvider clock)
{
    private static Microsoft.Extensions.Localization.IStringLocalizer T => ConnectionTestText.Localizer;

    /// <summary>Tests a stored destination exactly as saved, with its stored password.</summary>
    /// <exception cref="PortalAccessDeniedException">The caller's role does not allow testing (audited).</exception>
    public async IAsyncEnumerable<ConnectionTestEvent> TestSavedAsync(
        Guid destinationId, string? origin = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var test = await destinations.PrepareTestAsync(destinationId, null, cancellationToken);
        await foreach (var item in RunAsync(test, origin, cancellationToken))
        {
            yield return item;
        }
    }

    /// <summary>
    /// Tests the form's values. <paramref name="destinationId"/> names the stored destination being edited, if any: its
    /// stored password is used only for exactly the target it was saved for (<see cref="PasswordBinding"/>), so it never
    /// goes to a host someone just typed, nor over weaker TLS or with another CA certificate.
    /// </summary>
    /// <exception cref="PortalAccessDeniedException">The caller's role does not allow testing (audited).</exception>
    public async IAsyncEnumerable<ConnectionTestEvent> TestAsync(
        Guid? destinationId, DestinationInput input, string? origin = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var test = await destinations.PrepareTestAsync(destinationId, input, cancellationToken);
        await foreach (var item in RunAsync(test, origin, cancellationToken))
        {
            yield return item;
        }
    }

    /// <summary>Runs a prepared test; one that is not Ready ends at once with a Result event saying why.</summary>
    public async IAsyncEnumerable<ConnectionTestEvent> RunAsync(
        PreparedTest test, string? origin = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(test);
        if (test.Status == TestPreparation.NotFound)
        {
            yield return Refusal(T["Runner.NotFound"], field: null);
            yield break;
        }

        if (test.Status == TestPreparation.Invalid)
        {
            yield return InvalidForm(test.Errors);
            yield break;
        }

        var definition = test.Definition!;
        var saved = test.Saved;
        var runId = Guid.CreateVersion7();
        var startedAt = clock.GetUtcNow().UtcDateTime;
        var (password, refusal) = ChoosePassword(test.Typed, definition, saved);
        var target = DestinationDefinition.FormatEndpoint(definition.ConnectHost, definition.Port);
        if (refusal is not null)
        {
            // The audit trail is English whoever runs the test (decision 35); the caller reads their own language.
            await AuditRunAsync(saved?.Id, definition.Name, target, "Refused: password not sent", refusal.English);
            yield return Refusal(refusal.Text, DestinationField.Password.Key, runId);
            yield break;
        }

        var events = new List<ConnectionTestEvent>();
        var recorded = false;
        try
        {
            await foreach (var item in tester.RunAsync(new ConnectionTestRequest(runId, definition, password), cancellationToken))
            {
                events.Add(item);
                if (item.Outcome is { } outcome)
                {
                    // Persist, then announce: a watcher (or this caller) that reads history on the Result finds this run.
                    recorded = true;
                    await RecordAsync(test, runId, startedAt, target, outcome, events, Sent(test, password));
                }

                if (saved is not null)
                {
                    broadcaster.Publish(new LiveTestEvent(saved.Id, currentUser.Name, item, origin));
                }

                yield return item;
            }
        }
        finally
        {
            // In finally so a run is audited even when the caller stops listening half-way (a closed tab, a dropped hub client).
            if (!recorded)
            {
                await AuditRunAsync(saved?.Id, definition.Name, target, AuditOutcomes.Abandoned, saved is null ? "unsaved destination" : null);
            }
        }
    }

    private async Task RecordAsync(
        PreparedTest test, Guid runId, DateTime startedAt, string target, ConnectionTestOutcome outcome, List<ConnectionTestEvent> events, SentPassword sent)
    {
        var definition = test.Definition!;
        var saved = test.Saved;
        // Before the Result is announced, so a Save clicked on seeing it finds the run.
        tested.Remember(currentUser.User.Id, definition, sent, LastTestStatuses.Of(outcome.Succeeded, outcome.Category), startedAt);
        var entry = AuditEntry(
            saved?.Id,
            definition.Name,
            target,
            outcome.Succeeded ? AuditOutcomes.Succeeded : ConnectionTestWords.FailedOutcome(outcome),
            saved is null ? "unsaved destination" : null);
        if (saved is null)
        {
            await audit.WriteAsync(entry, CancellationToken.None);
            return;
        }

        // The audit row rides in the history's commit: one commit per saved test.
        await history.RecordAsync(new ConnectionTestRunRecord
        {
            Id = runId,
            DestinationId = saved.Id,
            StartedAtUtc = startedAt,
            StartedBy = currentUser.Name,
            Target = target,
            // A typed or cleared password is an unsaved change too: the stored destination was not what ran.
            TestedUnsavedChanges = definition != saved.Definition || test.Typed is { Password.Length: > 0 } or { ClearPassword: true },
            Succeeded = outcome.Succeeded,
            ProblemStage = outcome.ProblemStage,
            Category = outcome.Category,
            Explanation = outcome.Explanation,
            SqlState = outcome.SqlState,
            TotalMilliseconds = outcome.TotalMilliseconds,
            ReportText = events.ToReportText(),
        }, definition, entry, CancellationToken.None);
    }

    // ChoosePassword's answer, named for the fingerprint: null sent none, a typed one wins, else it was the stored one.
    private static SentPassword Sent(PreparedTest test, string? password) =>
        password is null ? SentPassword.None
        : test.Typed is { Password.Length: > 0 } ? SentPassword.Typed(password)
        : test.Saved!.StoredPassword;

    private static (string? Password, RunnerRefusal? Refusal) ChoosePassword(DestinationInput? typed, DestinationDefinition tested, DestinationForTest? saved)
    {
        if (tested.WindowsAuthentication)
        {
            return (null, null);
        }

        if (typed is { Password.Length: > 0 })
        {
            return (typed.Password, null);
        }

        if (saved is null || !saved.HasPassword || typed is { ClearPassword: true })
        {
            return (null, null);
        }

        // The fields are named here for the message; the binding itself is enforced by the decryption below.
        var changed = PasswordBinding.ChangedBoundFields(saved.Definition, tested);
        if (changed.Count > 0)
        {
            return (null, new(changed.Count == 1 ? "Runner.PasswordNotSent.One" : "Runner.PasswordNotSent.Many", changed));
        }

        var stored = saved.UnprotectPasswordFor(tested);
        return stored is null ? (null, new("Runner.PasswordUndecryptable", [])) : (stored, null);
    }

    private Task AuditRunAsync(Guid? destinationId, string name, string target, string outcome, string? details) =>
        audit.WriteAsync(AuditEntry(destinationId, name, target, outcome, details), CancellationToken.None);

    private AuditEntry AuditEntry(Guid? destinationId, string name, string target, string outcome, string? details) =>
        audit.Entry(AuditActions.DestinationTested, outcome, destinationId, name, target, details: details);

    private static ConnectionTestEvent InvalidForm(IReadOnlyList<FieldError> errors) =>
        Refusal(T["Runner.InvalidForm", errors[0].Message], errors[0].Field);

    private static ConnectionTestEvent Refusal(string explanation, string? field, Guid? runId = null) => new(
        runId ?? Guid.CreateVersion7(),
        ConnectionTestStage.Result,
        ConnectionTestStatus.Failed,
        explanation,
        [],
        0,
        new ConnectionTestOutcome(false, null, ConnectionTestCategory.Configuration, explanation, field, null, 0));

    /// <summary>
    /// Why the password is not sent, kept as its resource key and the changed fields so that it can be written twice: in
    /// the caller's language for the report, in English (labels too) for the audit trail.
    /// </summary>
    private sealed record RunnerRefusal(string Key, IReadOnlyList<DestinationField> ChangedFields)
    {
        public string Text => T[Key, List([.. ChangedFields.Select(f => f.Label)], T["Runner.List.And"])];

        public string English => string.Format(
            CultureInfo.InvariantCulture,
            ConnectionTestText.English(Key),
            List([.. ChangedFields.Select(f => f.EnglishLabel)], ConnectionTestText.English("Runner.List.And")));

        // "Server Name", "Server Name and Port", "Server Name, Port and TLS Mode": the "and" is the language's.
        private static string List(IReadOnlyList<string> items, string and) => items.Count <= 1
            ? string.Concat(items)
            : string.Format(CultureInfo.InvariantCulture, and, string.Join(", ", items.Take(items.Count - 1)), items[^1]);
    }
}
