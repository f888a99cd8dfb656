using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using DestinationPortal.Core.Localization;

namespace DestinationPortal.Core.Destinations;

/// <summary>
/// The rule for stored passwords: a password is bound to the target it was typed for, and is never sent anywhere
/// else. The target is every field that decides where the password goes and how it is protected on the way: Type,
/// Server Name, Private endpoint, Port, Username, Database, TLS Mode, CA certificate and Kerberos service name, each
/// as the validator normalised it. Two definitions share a target only when all of these are exactly equal.
/// </summary>
/// <remarks>
/// Exact equality, deliberately: even a stronger TLS Mode or a CA certificate that differs only in a comment is a
/// different target. Ranking TLS modes or comparing certificates would be a second rule that could be got wrong;
/// typing the password once more is cheap. Name, Timeout and Windows Authentication are not part of the target
/// (Windows Authentication itself sends no password). <see cref="Secrets.SecretProtector"/> derives the encryption
/// purpose from <see cref="TargetKey"/>, so a stored password can only be decrypted for the target it was saved for,
/// whichever path asks.
/// </remarks>
public static class PasswordBinding
{
    // The target, in the order its values are hashed (TargetKey): reordering would orphan every stored password.
    private static readonly DestinationField[] Target =
    [
        DestinationField.Type, DestinationField.ServerName, DestinationField.TlsMode, DestinationField.PrivateEndpoint, DestinationField.Port,
        DestinationField.Username, DestinationField.Database, DestinationField.CaCertificate, DestinationField.KerberosServiceName,
    ];

    private static readonly (DestinationField Field, Func<DestinationDefinition, string?> Value)[] BoundFields =
        [.. Target.Select(field => (field, AsText(DestinationDefinition.Values.Single(v => v.Field == field).Value)))];

    /// <summary>
    /// The labels (in the current UI culture: they are only shown) of the bound fields in which <paramref name="other"/>
    /// differs from <paramref name="savedFor"/>, in form order; empty when they share a target.
    /// </summary>
    public static IReadOnlyList<string> ChangedFields(DestinationDefinition savedFor, DestinationDefinition other) =>
        [.. ChangedBoundFields(savedFor, other).Select(f => f.Label)];

    /// <summary>The bound fields themselves, for text written in more than one language (a report and its audit row).</summary>
    public static IReadOnlyList<DestinationField> ChangedBoundFields(DestinationDefinition savedFor, DestinationDefinition other)
    {
        ArgumentNullException.ThrowIfNull(savedFor);
        ArgumentNullException.ThrowIfNull(other);
        return [.. BoundFields.Where(f => !string.Equals(f.Value(savedFor), f.Value(other), StringComparison.Ordinal)).Select(f => f.Field)];
    }

    public static bool SameTarget(DestinationDefinition savedFor, DestinationDefinition other) => ChangedFields(savedFor, other).Count == 0;

    /// <summary>
    /// A fingerprint of the target: SHA-256 of the bound fields serialised as a JSON array (unambiguous whatever the
    /// values contain). Equal exactly when <see cref="SameTarget"/> holds.
    /// </summary>
    public static string TargetKey(DestinationDefinition target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var canonical = JsonSerializer.SerializeToUtf8Bytes(BoundFields.Select(f => f.Value(target)).ToArray());
        return Convert.ToHexString(SHA256.HashData(canonical));
    }

    private static Func<DestinationDefinition, string?> AsText(Func<DestinationDefinition, object?> value) =>
        d => value(d) is IFormattable formattable ? formattable.ToString(null, CultureInfo.InvariantCulture) : (string?)value(d);

    /// <summary>"Server Name", "Server Name and Port", "Server Name, Port and TLS Mode" (German: "… und …").</summary>
    public static string Describe(IReadOnlyList<string> changedFields)
    {
        ArgumentNullException.ThrowIfNull(changedFields);
        return changedFields.Count <= 1
            ? string.Concat(changedFields)
            : DestinationMessages.Text("List.Last", string.Join(", ", changedFields.Take(changedFields.Count - 1)), changedFields[^1]);
    }

    /// <summary>What the screens say before a save that will remove the stored password.</summary>
    public static string SavingClearsMessage(IReadOnlyList<string> changedFields) =>
        DestinationMessages.Text("Password.SavingClears", Describe(changedFields));
}
