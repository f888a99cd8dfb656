using MudBlazor;

namespace DestinationPortal.Web.Components.Layout;

internal static class PortalTheme
{
    // System fonts only: the portal runs on networks without access to font CDNs.
    // Colours: MudBlazor's defaults put white chip text on #00c853 (2.2:1) and #f44336 (3.7:1), and status texts in
    // alerts and fields below 4.5:1. These darker shades keep the same hues and reach WCAG AA for small text, both
    // as white text on the colour (filled chips, buttons, snackbars) and as the colour on white or on the alert's
    // own tint; the accessibility journeys check it with axe.
    public static MudTheme Theme { get; } = new()
    {
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"] },
        },
        PaletteLight = new PaletteLight
        {
            Success = "#2e7d32", // white on it 5.1:1
            Error = "#c62828", // 5.6:1
            Info = "#1565c0", // 5.8:1
            Warning = "#a15c00", // 5.2:1
            // Helper and secondary texts: 0.54 black gives 4.47:1 on the grid's striped rows; 0.62 gives 5.9:1.
            TextSecondary = "rgba(0,0,0,0.62)",
        },
    };
}
