using DestinationPortal.Core.Destinations;

namespace DestinationPortal.Core.ConnectionTesting;

/// <summary>
/// What to test. <paramref name="Password"/> is the password to send (typed now, or the stored one, which
/// <see cref="DestinationForTest.UnprotectPasswordFor"/> releases only for the target it was saved for); null when none is available.
/// </summary>
public sealed record ConnectionTestRequest(Guid Id, DestinationDefinition Destination, string? Password)
{
    // Records print every property; keep the password out of logs and debugger views.
    public override string ToString() =>
        $"ConnectionTestRequest {{ Id = {Id}, Destination = {Destination.Name}, Password = {(Password is null ? "none" : "***")} }}";
}
