using System.Text;
using System.Text.Encodings.Web;
using DestinationPortal.Core.Destinations;
using DestinationPortal.Web.Components.Layout;
using DestinationPortal.Web.Localization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace DestinationPortal.Web.Components.Destinations;

/// <summary>
/// Manage Destinations' rows as HTML text: MudBlazor's markup for its table cells, links, chips and icons (the same
/// elements, classes, titles and aria labels MudDataGrid, MudLink, MudChip and MudIconButton wrote), every value
/// HTML-encoded. A circuit keeps each render tree twice (the current and the previous one) for as long as the tab is
/// open, so a cell as one markup frame instead of an element, its attributes and its text is what keeps a tab light
/// (decision 55). Only the Delete button, which has a handler, is rendered as an element.
/// </summary>
internal static class DestinationRowMarkup
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    private const string ActionClass = "mud-button-root mud-icon-button mud-ripple mud-ripple-icon mud-icon-button-size-small";

    /// <summary>MudIcon's markup inside MudIconButton's label span (default colour; small, as the rows' buttons are).</summary>
    public static string ActionIcon(string icon, string size = "small") =>
        "<span class=\"mud-icon-button-label\">" + Icon(icon, size) + "</span>";

    /// <summary>MudIcon's markup for an SVG icon in the default colour (also a MudButton's start icon, decision 58).</summary>
    public static string Icon(string icon, string size) =>
        $"<svg class=\"mud-icon-root mud-svg-icon mud-icon-size-{size}\" focusable=\"false\" viewBox=\"0 0 24 24\" aria-hidden=\"true\" role=\"img\">{icon}</svg>";

    private static readonly string TestIcon = ActionIcon(Icons.Material.Filled.NetworkCheck);
    private static readonly string EditIcon = ActionIcon(Icons.Material.Filled.Edit);
    private static readonly string CopyIcon = ActionIcon(Icons.Material.Filled.ContentCopy);
    private static readonly string ViewIcon = ActionIcon(Icons.Material.Filled.Visibility);

    /// <summary>The seven cells before Actions, each with its column's label for the stacked (phone) layout.</summary>
    public static MarkupString Cells(DestinationListItem item, IStringLocalizer<DestinationText> text, ViewerTime viewer)
    {
        var html = new StringBuilder(1024);
        Cell(html, DestinationField.Name.Label);
        html.Append("<a href=\"/destinations/").Append(item.Id.ToString())
            .Append("\" class=\"mud-typography mud-link mud-primary-text mud-link-underline-hover mud-typography-body2\"><strong>")
            .Append(Html.Encode(item.Name)).Append("</strong></a>");
        // The space a line break between the link and the mark made in the grid's template.
        if (NoPasswordMark.Markup(item, text["NoPassword.Text"]) is { Length: > 0 } mark)
        {
            html.Append(' ').Append(mark);
        }

        html.Append("</td>");
        TextCell(html, DestinationField.Type.Label, item.Type == PostgreSqlDestinationType.Id ? PostgreSqlDestinationType.DisplayName : item.Type);
        TextCell(html, text["Grid.Column.ServerPort"], Formats.Endpoint(item));
        TextCell(html, DestinationField.Database.Label, item.Database);
        TextCell(html, DestinationField.TlsMode.Label, item.TlsMode.DisplayName());
        Cell(html, text["Grid.Column.LastTest"]);
        html.Append(LastTestCell.Markup(item, text, viewer)).Append("</td>");
        Cell(html, text["Grid.Column.LastChange"]);
        html.Append("<p class=\"mud-typography mud-typography-body2\">").Append(LocalTime.Markup(item.UpdatedAtUtc, viewer))
            .Append("</p><span class=\"mud-typography mud-typography-caption field-help\">")
            .Append(Html.Encode(text["Grid.ChangedBy", item.UpdatedBy])).Append("</span></td>");
        return new MarkupString(html.ToString());
    }

    /// <summary>The row's links, in the order the grid had them: Test, then Edit and Copy (or View for a role that may not edit).</summary>
    public static MarkupString Links(DestinationListItem item, IStringLocalizer<DestinationText> text, bool canTest, bool canEdit)
    {
        var html = new StringBuilder(1024);
        var id = item.Id.ToString();
        if (canTest)
        {
            Link(html, $"/destinations/{id}?test=true", text["Grid.Action.Test", item.Name], text["Grid.Action.Test.Title"], TestIcon);
        }

        if (canEdit)
        {
            Link(html, $"/destinations/{id}", text["Grid.Action.Edit", item.Name], text["Grid.Action.Edit.Title"], EditIcon);
            // The gap a line break made between Edit and Copy in the grid's template.
            html.Append(' ');
            Link(html, $"/destinations/new?copyOf={id}", text["Grid.Action.Copy", item.Name], text["Grid.Action.Copy.Title"], CopyIcon);
        }
        else
        {
            Link(html, $"/destinations/{id}", text["Grid.Action.View", item.Name], text["Grid.Action.View.Title"], ViewIcon);
        }

        return new MarkupString(html.ToString());
    }

    public static string Encode(string value) => Html.Encode(value);

    private static void Cell(StringBuilder html, string label) =>
        html.Append("<td data-label=\"").Append(Html.Encode(label)).Append("\" class=\"mud-table-cell\">");

    private static void TextCell(StringBuilder html, string label, string value)
    {
        Cell(html, label);
        html.Append(Html.Encode(value)).Append("</td>");
    }

    private static void Link(StringBuilder html, string href, string label, string title, string icon) =>
        html.Append("<a href=\"").Append(Html.Encode(href)).Append("\" class=\"").Append(ActionClass)
            .Append("\" aria-label=\"").Append(Html.Encode(label)).Append("\" title=\"").Append(Html.Encode(title)).Append("\">")
            .Append(icon).Append("</a>");
}
