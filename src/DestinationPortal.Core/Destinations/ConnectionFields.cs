using System.Globalization;

namespace DestinationPortal.Core.Destinations;

/// <summary>
/// The fields a connection test depends on: every stored field but Name. That is the password's target
/// (<see cref="PasswordBinding"/>) plus Windows Authentication (whether a password is sent at all) and Timeout (whether a
/// slow server passes). A change to any of them, or to the password, makes the last test stale; a rename does not.
/// </summary>
public static class ConnectionFields
{
    public static bool Same(DestinationDefinition tested, DestinationDefinition other)
    {
        ArgumentNullException.ThrowIfNull(tested);
        ArgumentNullException.ThrowIfNull(other);
        return tested with { Name = "" } == other with { Name = "" };
    }

    /// <summary>The values in form order as invariant text: what <see cref="ConnectionTesting.TestedConnections"/> fingerprints.</summary>
    internal static string?[] Values(DestinationDefinition definition) =>
        [.. DestinationDefinition.Values.Where(v => v.Field != DestinationField.Name).Select(v => v.Value(definition) switch
        {
            bool flag => flag ? "true" : "false",
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            var value => (string?)value,
        })];
}
