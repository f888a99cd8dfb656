using MudBlazor;

namespace DestinationPortal.Web.Components.Layout;

internal static class ConfirmDialog
{
    // Escape cancels. MudBlazor's message box traps focus inside itself, where it listens for the key.
    private static readonly DialogOptions Options = new()
    {
        CloseOnEscapeKey = true,
        BackdropClick = false,
        MaxWidth = MaxWidth.ExtraSmall,
    };

    /// <summary>Asks a yes/cancel question; true only when the user chose <paramref name="yesText"/>. Escape cancels.</summary>
    public static async Task<bool> ConfirmAsync(this IDialogService dialogs, string title, string message, string yesText, string cancelText) =>
        await dialogs.ShowMessageBox(title, message, yesText: yesText, cancelText: cancelText, options: Options) == true;
}
