
namespace DestinationPortal.Core.Auditing;

/// <summary>
/// One row of the append-only audit trail: who did what, when (UTC), from where, to which destination, with what
/// outcome. Never a secret value: changed fields are listed by name only. Triggers in the database refuse
/// UPDATE, and DELETE except of expired rows by <see cref="AuditRetention"/>.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTime AtUtc { get; set; }

    public string UserName { get; set; } = "";

    public string SourceAddress { get; set; } = "";

    /// <summary>One of <see cref="AuditActions"/>.</summary>
    public string Action { get; set; } = "";

    /// <summary>One of <see cref="AuditOutcomes"/>, or a test run's outcome ("Failed: Authentication").</summary>
    public string Outcome { get; set; } = "";

    public Guid? DestinationId { get; set; }

    public string? DestinationName { get; set; }

    /// <summary>host:port a test connected to.</summary>
    public string? Target { get; set; }

    /// <summary>Comma-separated field names (never values).</summary>
    public string? ChangedFields { get; set; }

    /// <summary>Plain words for what is not in the other columns: the user or token acted on, why access was denied.</summary>
    public string? Details { get; set; }
}

/// <summary>The audited actions, as stored and filtered on.</summary>
public static class AuditActions
{
    public const string SignIn = "sign-in";
    public const string SignInFailed = "sign-in-failed";
    public const string SignOut = "sign-out";
    public const string PasswordChanged = "password-changed";
    public const string SetupCompleted = "setup-completed";
    public const string SetupRefused = "setup-refused";
    public const string DestinationCreated = "destination-created";
    public const string DestinationUpdated = "destination-updated";
    public const string DestinationCopied = "destination-copied";
    public const string DestinationDeleted = "destination-deleted";
    public const string DestinationTested = "destination-tested";
    public const string DestinationsExported = "destinations-exported";
    public const string UserCreated = "user-created";
    public const string UserRoleChanged = "user-role-changed";
    public const string UserDisabled = "user-disabled";
    public const string UserEnabled = "user-enabled";
    public const string UserPasswordReset = "user-password-reset";
    public const string TokenCreated = "token-created";
    public const string TokenRevoked = "token-revoked";
    public const string AccessDenied = "access-denied";

    /// <summary>The retention job deleted expired rows (<see cref="AuditRetention"/>).</summary>
    public const string AuditPurged = "audit-purged";

    public static IReadOnlyList<string> All { get; } =
    [
        SignIn, SignInFailed, SignOut, PasswordChanged, SetupCompleted, SetupRefused,
        DestinationCreated, DestinationUpdated, DestinationCopied, DestinationDeleted, DestinationTested, DestinationsExported,
        UserCreated, UserRoleChanged, UserDisabled, UserEnabled, UserPasswordReset,
        TokenCreated, TokenRevoked, AccessDenied, AuditPurged,
    ];
}

public static class AuditOutcomes
{
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";
    public const string Denied = "Denied";

    /// <summary>A test run whose caller stopped listening before its result (a closed tab, a dropped client).</summary>
    public const string Abandoned = "Abandoned";

    public static IReadOnlyList<string> All { get; } = [Succeeded, Failed, Denied, Abandoned];
}
