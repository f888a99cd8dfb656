using DestinationPortal.Core.Localization;

namespace DestinationPortal.Core.Access;

/// <summary>
/// Thrown by a service when the current user's role does not allow the action. The attempt has already been
/// written to the audit trail. The web layer turns it into 403 (API), a HubException (hub) or a message (screens).
/// </summary>
public sealed class PortalAccessDeniedException : Exception
{
    public PortalAccessDeniedException()
        : this(PortalCapability.ViewDestinations, "")
    {
    }

    public PortalAccessDeniedException(string message)
        : base(message)
    {
    }

    public PortalAccessDeniedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    // action: what was refused, in the audit trail's English words ("reading destinations").
    public PortalAccessDeniedException(PortalCapability permission, string action)
        : base(MessageFor(action))
    {
        Permission = permission;
    }

    public PortalCapability Permission { get; }

    // The message is shown to the person refused, so it is in their language (the culture of the request or circuit
    // that asked); the action words the callers pass stay English because the audit row stores them. Each is one whole
    // sentence, as German puts the verb elsewhere.
    private static readonly Dictionary<string, string> SentenceKeys = new(StringComparer.Ordinal)
    {
        ["reading destinations"] = "Denied.ReadDestinations",
        ["creating destinations"] = "Denied.CreateDestinations",
        ["editing destinations"] = "Denied.EditDestinations",
        ["deleting destinations"] = "Denied.DeleteDestinations",
        ["testing destinations"] = "Denied.TestDestinations",
        ["exporting destinations"] = "Denied.ExportDestinations",
        ["importing destinations"] = "Denied.ImportDestinations",
        ["managing users"] = "Denied.ManageUsers",
        ["reading the audit trail"] = "Denied.ReadAudit",
        ["exporting the audit trail"] = "Denied.ExportAudit",
    };

    /// <summary>The actions that have a sentence of their own; any other says "this action".</summary>
    internal static IReadOnlyCollection<string> KnownActions => SentenceKeys.Keys;

    private static string MessageFor(string action) =>
        AccessText.Text(SentenceKeys.GetValueOrDefault(action ?? "", "Denied.ThisAction"));
}
