using System.ComponentModel.DataAnnotations;

namespace DestinationPortal.Core.Auditing;

/// <summary>
/// <c>Portal:Audit</c> (environment <c>Portal__Audit__RetentionDays</c>): how long the audit trail keeps its rows.
/// Unset keeps every row for ever, as the portal always did; the operator decides, not an administrator in the UI.
/// </summary>
public sealed class AuditRetentionOptions
{
    public const string SectionName = "Portal:Audit";

    /// <summary>Rows older than this many days are deleted by <see cref="AuditRetentionJob"/>; null keeps everything.</summary>
    [Range(1, 36_500, ErrorMessage = "Portal:Audit:RetentionDays must be between 1 and 36500 days, or unset to keep the audit trail for ever.")]
    public int? RetentionDays { get; set; }

    /// <summary>How often the job looks for expired rows; it also looks once right after start-up.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00", ErrorMessage = "Portal:Audit:PurgeInterval must be between 00:01:00 and 7.00:00:00.")]
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);
}
