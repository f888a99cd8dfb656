namespace DestinationPortal.Web.Localization;

/// <summary>
/// MudBlazor's own words (pager, data grid, pickers, close buttons), under MudBlazor's keys. Marker type for
/// <c>IStringLocalizer&lt;MudBlazorText&gt;</c>; MudBlazorText.resx holds MudBlazor's English, MudBlazorText.de.resx ours.
/// </summary>
public sealed class MudBlazorText;
