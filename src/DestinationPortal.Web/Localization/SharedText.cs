namespace DestinationPortal.Web.Localization;

/// <summary>
/// Words every page shares: the app bar, the layout, the language switch, common buttons. Marker type for
/// <c>IStringLocalizer&lt;SharedText&gt;</c>; the texts are in SharedText.resx (English) and SharedText.de.resx.
/// </summary>
public sealed class SharedText;
