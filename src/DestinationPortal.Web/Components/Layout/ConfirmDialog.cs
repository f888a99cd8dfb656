using MudBlazor;

namespace DestinationPortal.Web.Components.Layout;

internal static class ConfirmDialog
{
    // Escape cancels. ConfirmQuestion traps focus inside itself, where the key is heard, and starts it on Cancel.
    private static readonly DialogOptions Options = new()
    {
        CloseOnEscapeKey = true,
        BackdropClick = false,
        MaxWidth = MaxWidth.ExtraSmall,
    };

    /// <summary>Asks a yes/cancel question; true only when the user chose <paramref name="yesText"/>. Escape and Enter cancel.</summary>
    public static async Task<bool> ConfirmAsync(this IDialogService dialogs, string title, string message, string yesText, string cancelText)
    {
        var parameters = new DialogParameters<ConfirmQuestion>
        {
            { q => q.Title, title },
            { q => q.Message, message },
            { q => q.YesText, yesText },
            { q => q.CancelText, cancelText },
        };
        var dialog = await dialogs.ShowAsync<ConfirmQuestion>(title, parameters, Options);
        var result = await dialog.Result;
        return result is { Canceled: false, Data: true };
    }
}
