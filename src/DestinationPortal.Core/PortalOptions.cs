using System.ComponentModel.DataAnnotations;
using DestinationPortal.Core.Persistence;

namespace DestinationPortal.Core;

/// <summary>The <c>Portal</c> configuration section (environment: <c>Portal__Key</c>).</summary>
public sealed class PortalOptions : IValidatableObject
{
    public const string SectionName = "Portal";

    /// <summary>
    /// Where the SQLite database and the Data Protection key ring live. Back the two up together:
    /// the stored passwords cannot be decrypted without the key ring that protected them.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = DefaultDataDirectory();

    /// <summary>SQLite (the default) or a shared PostgreSQL database.</summary>
    public PortalDatabaseOptions Database { get; set; } = new();

    public bool UsesPostgreSql => Database.Provider == PortalDatabaseProvider.PostgreSql;

    public string DatabasePath => Path.Combine(Path.GetFullPath(DataDirectory), "portal.db");

    public string KeyRingDirectory => Path.Combine(Path.GetFullPath(DataDirectory), "keys");

    // Validation does not descend into nested sections by itself.
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        Database.Validate(new ValidationContext(Database));

    // Outside the source tree and the publish folder, so neither a rebuild nor a redeploy loses data.
    private static string DefaultDataDirectory() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "DestinationPortal");
}
