using DestinationPortal.Core.ConnectionTesting;

namespace DestinationPortal.Core.Destinations;

/// <summary>
/// A stored destination. Only <see cref="DestinationService"/> (and <see cref="DestinationTransfer"/> for imports)
/// writes it; <see cref="Apply"/> is the one place a definition is copied in.
/// </summary>
public sealed class Destination
{
    public Guid Id { get; set; }

    private string _name = "";
    private string _serverName = "";
    private string _database = "";

    public string Name
    {
        get => _name;
        set
        {
            _name = value;
            NameKey = SearchKey.For(value);
        }
    }

    /// <summary>Upper-cased invariant copy of <see cref="Name"/>: the unique index that makes names unique ignoring case.</summary>
    public string NormalizedName { get; set; } = "";

    public string TypeId { get; set; } = "";

    public string ServerName
    {
        get => _serverName;
        set
        {
            _serverName = value;
            ServerNameKey = SearchKey.For(value);
        }
    }

    public int Port { get; set; }

    public TlsMode TlsMode { get; set; }

    public string? PrivateEndpoint { get; set; }

    public bool WindowsAuthentication { get; set; }

    public string Username { get; set; } = "";

    /// <summary>The password encrypted with Data Protection; never the plaintext, never sent to a browser.</summary>
    public string? ProtectedPassword { get; set; }

    public string Database
    {
        get => _database;
        set
        {
            _database = value;
            DatabaseKey = SearchKey.For(value);
        }
    }

    // The folded copies the grid filters and sorts on (SearchKey). Set by the setters above, so no writer can store a
    // name without its key; EF writes the fields directly when it reads a row, and reads the stored keys with it.

    public string NameKey { get; private set; } = "";

    public string ServerNameKey { get; private set; } = "";

    public string DatabaseKey { get; private set; } = "";

    public string? CaCertificatePem { get; set; }

    public int TimeoutSeconds { get; set; }

    public string KerberosServiceName { get; set; } = "";

    public DateTime CreatedAtUtc { get; set; }

    public required string CreatedBy { get; set; }

    public DateTime UpdatedAtUtc { get; set; }

    public required string UpdatedBy { get; set; }

    /// <summary>
    /// App-managed optimistic concurrency token: SQLite has no rowversion, so every save writes a new Guid
    /// and EF checks the old one in the UPDATE's WHERE clause.
    /// </summary>
    public Guid Version { get; set; }

    /// <summary>What the latest test says about the definition as stored now (<see cref="RecordTest"/>, <see cref="Apply"/>).</summary>
    public LastTestStatus LastTestStatus { get; private set; }

    /// <summary>The API's older view of <see cref="LastTestStatus"/>: true when Passed, false when Failed, else null.</summary>
    public bool? LastTestSucceeded { get; private set; }

    /// <summary>When the latest test that counted for this destination started; kept when a change makes it stale.</summary>
    public DateTime? LastTestAtUtc { get; private set; }

    public static string Normalize(string name) => name.Trim().ToUpperInvariant();

    public DestinationDefinition ToDefinition() => new(
        Name, TypeId, ServerName, TlsMode, PrivateEndpoint, Port, WindowsAuthentication, Username, Database,
        CaCertificatePem, TimeoutSeconds, KerberosServiceName);

    /// <summary>A test of exactly the stored definition (and password) finished, or a save counted one (<see cref="TestedConnections"/>).</summary>
    public void RecordTest(LastTestStatus status, DateTime startedAtUtc)
    {
        LastTestStatus = status;
        LastTestSucceeded = status.Succeeded();
        LastTestAtUtc = startedAtUtc;
    }

    /// <summary>
    /// A connection field or the password changed: the latest test was of something else. Its time stays (the history
    /// still has it); a destination never tested stays "Not tested".
    /// </summary>
    public void MarkConnectionChanged()
    {
        if (LastTestStatus != LastTestStatus.NotTested)
        {
            LastTestStatus = LastTestStatus.NotTestedSinceChange;
        }

        LastTestSucceeded = null;
    }

    /// <summary>Copies the definition in; a change to any connection field (<see cref="ConnectionFields"/>) makes the last test stale.</summary>
    public void Apply(DestinationDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (!ConnectionFields.Same(ToDefinition(), definition))
        {
            MarkConnectionChanged();
        }

        Name = definition.Name;
        NormalizedName = Normalize(definition.Name);
        TypeId = definition.TypeId;
        ServerName = definition.ServerName;
        Port = definition.Port;
        TlsMode = definition.TlsMode;
        PrivateEndpoint = definition.PrivateEndpoint;
        WindowsAuthentication = definition.WindowsAuthentication;
        Username = definition.Username;
        Database = definition.Database;
        CaCertificatePem = definition.CaCertificatePem;
        TimeoutSeconds = definition.TimeoutSeconds;
        KerberosServiceName = definition.KerberosServiceName;
    }
}
