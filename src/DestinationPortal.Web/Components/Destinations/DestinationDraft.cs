using System.Text.Json;
using System.Text.Json.Serialization;
using DestinationPortal.Core.Destinations;

namespace DestinationPortal.Web.Components.Destinations;

/// <summary>
/// Unsaved edits of Destination Details as the browser tab keeps them (<see cref="DraftKeeper"/>): every field of the
/// form but the password. There is no property for a password, so no draft can carry one; only whether one had been
/// typed, so the restored form can ask for it again. A draft comes back from the browser, so it is untrusted: anything
/// but exactly this shape is no draft at all, and what it holds is validated like typing once it is in the form.
/// </summary>
public sealed record DestinationDraft
{
    private const int CurrentFormat = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        // Unknown members (a "Password" among them), missing ones and nulls make the whole draft unreadable.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        Converters = { new JsonStringEnumConverter<TlsMode>(allowIntegerValues: false) },
    };

    // The form's fields a draft keeps, with how to read each: the one list that taking, comparing and restoring share.
    private static readonly (string Field, Func<DestinationInput, object> Value)[] Kept =
    [
        (nameof(DestinationInput.Name), i => i.Name),
        (nameof(DestinationInput.TypeId), i => i.TypeId),
        (nameof(DestinationInput.ServerName), i => i.ServerName),
        (nameof(DestinationInput.TlsMode), i => i.TlsMode),
        (nameof(DestinationInput.UsePrivateEndpoint), i => i.UsePrivateEndpoint),
        (nameof(DestinationInput.PrivateEndpoint), i => i.PrivateEndpoint),
        (nameof(DestinationInput.Port), i => i.Port),
        (nameof(DestinationInput.WindowsAuthentication), i => i.WindowsAuthentication),
        (nameof(DestinationInput.Username), i => i.Username),
        (nameof(DestinationInput.ClearPassword), i => i.ClearPassword),
        (nameof(DestinationInput.Database), i => i.Database),
        (nameof(DestinationInput.CaCertificate), i => i.CaCertificate),
        (nameof(DestinationInput.TimeoutSeconds), i => i.TimeoutSeconds),
        (nameof(DestinationInput.KerberosServiceName), i => i.KerberosServiceName),
    ];

    public required int Format { get; init; }

    public required DateTimeOffset TakenAtUtc { get; init; }

    /// <summary>The stored destination's version the edits began from (<see cref="Guid.Empty"/> for a new destination).</summary>
    public required Guid BasedOnVersion { get; init; }

    /// <summary>Whether a password had been typed. Only that: the password itself is never kept.</summary>
    public required bool PasswordTyped { get; init; }

    public required string Name { get; init; }

    public required string TypeId { get; init; }

    public required string ServerName { get; init; }

    public required TlsMode TlsMode { get; init; }

    public required bool UsePrivateEndpoint { get; init; }

    public required string PrivateEndpoint { get; init; }

    public required string Port { get; init; }

    public required bool WindowsAuthentication { get; init; }

    public required string Username { get; init; }

    public required bool ClearPassword { get; init; }

    public required string Database { get; init; }

    public required string CaCertificate { get; init; }

    public required string TimeoutSeconds { get; init; }

    public required string KerberosServiceName { get; init; }

    public static DestinationDraft Take(DestinationInput input, Guid basedOnVersion, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new()
        {
            Format = CurrentFormat,
            TakenAtUtc = now,
            BasedOnVersion = basedOnVersion,
            PasswordTyped = input.Password.Length > 0,
            Name = input.Name,
            TypeId = input.TypeId,
            ServerName = input.ServerName,
            TlsMode = input.TlsMode,
            UsePrivateEndpoint = input.UsePrivateEndpoint,
            PrivateEndpoint = input.PrivateEndpoint,
            Port = input.Port,
            WindowsAuthentication = input.WindowsAuthentication,
            Username = input.Username,
            ClearPassword = input.ClearPassword,
            Database = input.Database,
            CaCertificate = input.CaCertificate,
            TimeoutSeconds = input.TimeoutSeconds,
            KerberosServiceName = input.KerberosServiceName,
        };
    }

    /// <summary>Writes the kept fields into the form (the one the page's fields are bound to) and clears its password.</summary>
    public void ApplyTo(DestinationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        input.Name = Name;
        input.TypeId = TypeId;
        input.ServerName = ServerName;
        input.TlsMode = TlsMode;
        input.UsePrivateEndpoint = UsePrivateEndpoint;
        input.PrivateEndpoint = PrivateEndpoint;
        input.Port = Port;
        input.WindowsAuthentication = WindowsAuthentication;
        input.Username = Username;
        input.Password = "";
        input.ClearPassword = ClearPassword;
        input.Database = Database;
        input.CaCertificate = CaCertificate;
        input.TimeoutSeconds = TimeoutSeconds;
        input.KerberosServiceName = KerberosServiceName;
    }

    /// <summary>The kept fields whose values differ between two forms (the password is not one of them).</summary>
    public static IReadOnlyList<string> ChangedFields(DestinationInput before, DestinationInput after) =>
        [.. Kept.Where(k => !Equals(k.Value(before), k.Value(after))).Select(k => k.Field)];

    /// <summary>The names of the form's fields a draft keeps.</summary>
    public static IEnumerable<string> KeptFields => Kept.Select(k => k.Field);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The draft in <paramref name="json"/>, or null for anything else: missing, malformed, another format, an unknown TLS mode.</summary>
    public static DestinationDraft? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            var draft = JsonSerializer.Deserialize<DestinationDraft>(json, Json);
            return draft is { Format: CurrentFormat } && Enum.IsDefined(draft.TlsMode) ? draft : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
