using DestinationPortal.Core.Localization;

namespace DestinationPortal.Core.Destinations;

/// <summary>
/// One field of a destination as every surface names it: <see cref="Key"/> is the property of the form's model (the
/// key a <see cref="FieldError"/> and a test report use), <see cref="Label"/> the words on the form, in messages and in
/// the test report (in the reader's language), <see cref="EnglishLabel"/> the words the audit trail stores and the API's
/// import plan names fields by, <see cref="JsonName"/> the property in the REST API and the export document.
/// </summary>
/// <remarks>
/// The one table of field names. Before it, the form, the tester and the audit trail each kept their own labels and
/// they disagreed ("Private endpoint" vs "Private endpoint host", "Timeout" vs "Timeout (s)").
/// </remarks>
public sealed record DestinationField(string Key, string JsonName)
{
    /// <summary>The field's label at the current UI culture (FieldText), read each time so it follows the reader.</summary>
    public string Label => FieldText.Text(LabelKey);

    /// <summary>The label in English whatever the culture: what is stored or compared language-neutral.</summary>
    public string EnglishLabel => FieldText.English(LabelKey);

    private string LabelKey => "Field." + Key;

    public static readonly DestinationField Name = new(nameof(Name), "name");
    public static readonly DestinationField Type = new("TypeId", "type");
    public static readonly DestinationField ServerName = new(nameof(ServerName), "serverName");
    public static readonly DestinationField TlsMode = new(nameof(TlsMode), "tlsMode");
    public static readonly DestinationField UsePrivateEndpoint = new(nameof(UsePrivateEndpoint), "privateEndpoint");
    public static readonly DestinationField PrivateEndpoint = new(nameof(PrivateEndpoint), "privateEndpoint");
    public static readonly DestinationField Port = new(nameof(Port), "port");
    public static readonly DestinationField WindowsAuthentication = new(nameof(WindowsAuthentication), "windowsAuthentication");
    public static readonly DestinationField Username = new(nameof(Username), "username");
    public static readonly DestinationField Password = new(nameof(Password), "password");
    public static readonly DestinationField ClearPassword = new(nameof(ClearPassword), "clearPassword");
    public static readonly DestinationField Database = new(nameof(Database), "database");
    public static readonly DestinationField CaCertificate = new(nameof(CaCertificate), "caCertificate");
    public static readonly DestinationField TimeoutSeconds = new(nameof(TimeoutSeconds), "timeoutSeconds");
    public static readonly DestinationField KerberosServiceName = new(nameof(KerberosServiceName), "kerberosServiceName");

    /// <summary>Every field, in the order the form shows them.</summary>
    public static IReadOnlyList<DestinationField> All { get; } =
    [
        Name, Type, ServerName, TlsMode, UsePrivateEndpoint, PrivateEndpoint, Port, WindowsAuthentication, Username, Password,
        ClearPassword, Database, CaCertificate, TimeoutSeconds, KerberosServiceName,
    ];

    private static readonly Dictionary<string, DestinationField> ByKey = All.ToDictionary(f => f.Key, StringComparer.Ordinal);

    /// <summary>The field with this <see cref="Key"/>, or null for a key that names no field (a message for the whole form).</summary>
    public static DestinationField? Find(string key) => ByKey.GetValueOrDefault(key);

    /// <summary>The label for a key; the key itself when it names no field.</summary>
    public static string LabelFor(string key) => Find(key)?.Label ?? key;

    /// <summary>
    /// The field an English label names (what the audit trail and an import plan's <c>changedFields</c> hold), or null.
    /// Lets a screen show such a stored label in the reader's language.
    /// </summary>
    public static DestinationField? FindByEnglishLabel(string englishLabel) =>
        All.FirstOrDefault(f => string.Equals(f.EnglishLabel, englishLabel, StringComparison.Ordinal));
}
