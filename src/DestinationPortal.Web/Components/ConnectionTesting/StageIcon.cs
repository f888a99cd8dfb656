using DestinationPortal.Core.ConnectionTesting;
using DestinationPortal.Web.Components.Destinations;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DestinationPortal.Web.Components.ConnectionTesting;

/// <summary>
/// A finished stage's icon as MudIcon's markup (small, the status's colour, its name in the viewer's language as the
/// label): a report's stage rows stay on screen for as long as the tab is open, and a MudIcon component per row stayed
/// with them (decision 58). A running stage shows MudProgressCircular instead, which goes when the stage ends.
/// </summary>
internal static class StageIcon
{
    /// <summary>The icon of a stage that has ended (any status but Running; anything else shows as Skipped).</summary>
    public static MarkupString Markup(ConnectionTestStatus status) => status switch
    {
        ConnectionTestStatus.Succeeded => Svg(Icons.Material.Filled.CheckCircle, "mud-svg-icon mud-success-text", status),
        ConnectionTestStatus.Warning => Svg(Icons.Material.Filled.Warning, "mud-svg-icon mud-warning-text", status),
        ConnectionTestStatus.Failed => Svg(Icons.Material.Filled.Cancel, "mud-svg-icon mud-error-text", status),
        // MudIcon marks the default colour with a class of its own.
        _ => Svg(Icons.Material.Filled.RemoveCircleOutline, "mud-icon-default mud-svg-icon", ConnectionTestStatus.Skipped),
    };

    private static MarkupString Svg(string icon, string colorClasses, ConnectionTestStatus status) => new(
        $"<svg class=\"mud-icon-root {colorClasses} mud-icon-size-small test-stage-icon\" focusable=\"false\" viewBox=\"0 0 24 24\" aria-hidden=\"true\" role=\"img\" aria-label=\"{DestinationRowMarkup.Encode(status.Describe())}\">"
        + icon + "</svg>");
}
