// MudBlazor's dialog container renders the role="dialog" element and passes no attributes to it, so the question's
// title and message are tied to it here: screen readers then announce the dialog by its title.
export function nameDialog(dialogId, titleId, messageId) {
    const dialog = document.getElementById(dialogId);
    if (dialog) {
        dialog.setAttribute('aria-labelledby', titleId);
        dialog.setAttribute('aria-describedby', messageId);
        dialog.setAttribute('aria-modal', 'true');
    }
}
