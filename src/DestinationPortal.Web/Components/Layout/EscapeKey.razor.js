// One keydown listener on the document, so Escape works wherever focus is (even on the page itself). Escape that
// belongs to something else is left to it: an open dialog (MudBlazor closes it), an open list or menu, a native select.
export function listen(dotnet) {
    const onKeyDown = event => {
        if (event.key !== 'Escape' || event.defaultPrevented || event.isComposing) {
            return;
        }

        if (document.querySelector('.mud-dialog-container') || event.target.closest?.('.mud-popover, .mud-appbar, select')) {
            return;
        }

        // A text field commits what was typed on change, which comes with blur: without it the form would not know it
        // has unsaved changes, and Escape would leave without asking.
        const active = document.activeElement;
        if (active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement) {
            active.blur();
        }

        dotnet.invokeMethodAsync('EscapePressedAsync');
    };
    document.addEventListener('keydown', onKeyDown);
    return { stop: () => document.removeEventListener('keydown', onKeyDown) };
}
