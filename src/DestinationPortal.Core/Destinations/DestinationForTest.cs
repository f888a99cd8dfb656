using DestinationPortal.Core.Secrets;

namespace DestinationPortal.Core.Destinations;

/// <summary>
/// A stored destination as Test Connection needs it, read in one query: the saved definition and the stored password,
/// which stays encrypted until a test that may send it asks for it. Server-side only: never render or serialise it.
/// </summary>
public sealed class DestinationForTest
{
    private readonly string? _protectedPassword;
    private readonly SecretProtector _secrets;

    internal DestinationForTest(Guid id, DestinationDefinition definition, string? protectedPassword, SecretProtector secrets)
    {
        Id = id;
        Definition = definition;
        _protectedPassword = protectedPassword;
        _secrets = secrets;
    }

    public Guid Id { get; }

    /// <summary>The definition as stored: the target the stored password was saved for.</summary>
    public DestinationDefinition Definition { get; }

    public bool HasPassword => _protectedPassword is not null;

    /// <summary>Which stored password a test sent, for <see cref="ConnectionTesting.TestedConnections"/>: its ciphertext, never the plaintext.</summary>
    internal ConnectionTesting.SentPassword StoredPassword =>
        _protectedPassword is null ? ConnectionTesting.SentPassword.None : ConnectionTesting.SentPassword.Stored(_protectedPassword);

    /// <summary>
    /// The stored password, only for a test of exactly the target it was saved for (<see cref="PasswordBinding"/>); null
    /// when none is stored, <paramref name="target"/> differs in any bound field, or the key ring can no longer decrypt it.
    /// The binding is in the encryption itself, so no caller can get it for another target.
    /// </summary>
    public string? UnprotectPasswordFor(DestinationDefinition target) =>
        _protectedPassword is null ? null : _secrets.TryUnprotectFor(_protectedPassword, target);

    public override string ToString() => $"DestinationForTest {{ Id = {Id}, Name = {Definition.Name}, HasPassword = {HasPassword} }}";
}

public enum TestPreparation
{
    Ready,
    NotFound,
    Invalid,
}

/// <summary>
/// A Test Connection checked once, by <see cref="DestinationService.PrepareTestAsync"/> (the caller's role, the stored
/// destination, the form): only that method makes one, so no run can skip the checks. <see cref="Typed"/> is the form
/// as the user holds it (its typed or cleared password); null tests the stored destination exactly as saved.
/// </summary>
public sealed class PreparedTest
{
    private PreparedTest(TestPreparation status, IReadOnlyList<FieldError> errors, DestinationDefinition? definition, DestinationInput? typed, DestinationForTest? saved)
    {
        Status = status;
        Errors = errors;
        Definition = definition;
        Typed = typed;
        Saved = saved;
    }

    public TestPreparation Status { get; }

    public IReadOnlyList<FieldError> Errors { get; }

    /// <summary>What is tested; set when <see cref="Status"/> is Ready.</summary>
    public DestinationDefinition? Definition { get; }

    public DestinationInput? Typed { get; }

    /// <summary>The stored destination the test is of, if any: its password and its watchers.</summary>
    public DestinationForTest? Saved { get; }

    internal static PreparedTest NotFound { get; } = new(TestPreparation.NotFound, [], null, null, null);

    internal static PreparedTest Invalid(IReadOnlyList<FieldError> errors) => new(TestPreparation.Invalid, errors, null, null, null);

    internal static PreparedTest Ready(DestinationDefinition definition, DestinationInput? typed, DestinationForTest? saved) =>
        new(TestPreparation.Ready, [], definition, typed, saved);
}
