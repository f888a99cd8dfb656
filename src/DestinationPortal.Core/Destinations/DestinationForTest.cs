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

    internal DestinationForTest(Guid id, DestinationInput input, string? protectedPassword, SecretProtector secrets)
    {
        Id = id;
        Input = input;
        _protectedPassword = protectedPassword;
        _secrets = secrets;
    }

    public Guid Id { get; }

    public DestinationInput Input { get; }

    public bool HasPassword => _protectedPassword is not null;

    /// <summary>The stored password, or null when none is stored or the key ring can no longer decrypt it.</summary>
    public string? UnprotectPassword() => _protectedPassword is null ? null : _secrets.TryUnprotect(_protectedPassword);

    public override string ToString() => $"DestinationForTest {{ Id = {Id}, Name = {Input.Name}, HasPassword = {HasPassword} }}";
}
