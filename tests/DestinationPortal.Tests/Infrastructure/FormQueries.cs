using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace DestinationPortal.Tests.Infrastructure;

public static class FormQueries
{
    /// <summary>
    /// The control a screen reader (or Playwright's getByLabel) reaches from the visible label text: via the label's
    /// <c>for</c> attribute, or the control nested inside the label. Fails unless exactly one label has that text.
    /// </summary>
    public static IElement FieldByLabel<T>(this IRenderedComponent<T> cut, string label) where T : IComponent
    {
        var labels = cut.FindAll("label").Where(l => l.TextContent.Trim() == label).ToList();
        var single = Assert.Single(labels);
        var id = single.GetAttribute("for");
        if (id is not null)
        {
            return cut.Find($"#{id}");
        }

        return single.QuerySelector("input, select, textarea")
            ?? throw new InvalidOperationException($"The label \"{label}\" has no for attribute and contains no control.");
    }

    public static bool HasLabel<T>(this IRenderedComponent<T> cut, string label) where T : IComponent =>
        cut.FindAll("label").Any(l => l.TextContent.Trim() == label);

    public static bool HasButton<T>(this IRenderedComponent<T> cut, string text) where T : IComponent =>
        cut.FindAll("button").Any(b => b.TextContent.Trim() == text);

    public static IElement ButtonByText<T>(this IRenderedComponent<T> cut, string text) where T : IComponent =>
        Assert.Single(cut.FindAll("button"), b => b.TextContent.Trim() == text);

    /// <summary>The validation message shown under the control labelled <paramref name="label"/>, or null.</summary>
    public static string? MessageUnder<T>(this IRenderedComponent<T> cut, string label) where T : IComponent
    {
        var container = cut.FieldByLabel(label).Closest(".mud-input-control, .labeled-select");
        var text = container?.QuerySelector(".mud-input-helper-text.mud-input-error, .labeled-select-error, .validation-message")?.TextContent.Trim();
        return string.IsNullOrEmpty(text) ? null : text;
    }
}
