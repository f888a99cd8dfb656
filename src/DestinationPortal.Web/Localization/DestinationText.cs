namespace DestinationPortal.Web.Localization;

/// <summary>
/// The words of the destination screens (Manage Destinations, Destination Details, the form, import). Marker type for
/// <c>IStringLocalizer&lt;DestinationText&gt;</c>; the texts are in DestinationText.resx (English) and DestinationText.de.resx.
/// Field labels are not here: they are Core's (<c>DestinationField.Label</c>).
/// </summary>
public sealed class DestinationText;
