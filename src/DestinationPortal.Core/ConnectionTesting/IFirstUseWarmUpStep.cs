namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// A first-use cost of the host's own (the API's serializer, say) that <see cref="FirstUseWarmUp"/> pays after its own
/// steps. It must not contact anything, record anything or change anything a person could see.
/// </summary>
public interface IFirstUseWarmUpStep
{
    Task WarmUpAsync(CancellationToken cancellationToken);
}
