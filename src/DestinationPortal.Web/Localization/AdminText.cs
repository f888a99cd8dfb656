namespace DestinationPortal.Web.Localization;

/// <summary>
/// The words of the administration pages: Users, API tokens and the Audit page (its columns, filters, and the names of
/// the audited actions and fixed outcomes). Marker type for <c>IStringLocalizer&lt;AdminText&gt;</c>; the texts are in
/// AdminText.resx (English) and AdminText.de.resx. Role names are SharedText's; what UserAdministration answers is Core's.
/// </summary>
public sealed class AdminText;
