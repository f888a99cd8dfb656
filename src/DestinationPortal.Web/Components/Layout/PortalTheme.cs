using MudBlazor;

namespace DestinationPortal.Web.Components.Layout;

internal static class PortalTheme
{
    // System fonts only: the portal runs on networks without access to font CDNs.
    public static MudTheme Theme { get; } = new()
    {
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"] },
        },
    };
}
