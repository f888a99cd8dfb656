using DestinationPortal.Core.Secrets;

namespace DestinationPortal.Core.Destinations;

/// <summary>
/// A stored destination as Test Connection needs it, read in one query: the saved values and the stored password,
/// which stays encrypted until a test that may send it asks for it. Server-side only: never render or serialise it.
/// </summary>
public sealed class DestinationForTest
{
    private readonly string? _protectedPassword;
    private readonly SecretProtector _secrets;

    internal DestinationForTest(Guid id, DestinationInput input, DestinationDefinition definition, string? protectedPassword, SecretProtector secrets)
    {
        Id = id;
        Input = input;
        Definition = definition;
        _protectedPassword = protectedPassword;
        _secrets = secrets;
    }

    public Guid Id { get; }

    public DestinationInput Input { get; }

    /// <summary>The definition as stored: the target the stored password was saved for.</summary>
    public DestinationDefinition Definition { get; }

    public bool HasPassword => _protectedPassword is not null;

    /// <summary>
    /// The stored password, only for a test of exactly the target it was saved for (<see cref="PasswordBinding"/>); null
    /// when none is stored, <paramref name="target"/> differs in any bound field, or the key ring can no longer decrypt it.
    /// The binding is in the encryption itself, so no caller can get it for another target.
    /// </summary>
    public string? UnprotectPasswordFor(DestinationDefinition target) =>
        _protectedPassword is null ? null : _secrets.TryUnprotectFor(_protectedPassword, target);

    public override string ToString() => $"DestinationForTest {{ Id = {Id}, Name = {Input.Name}, HasPassword = {HasPassword} }}";
}
