// Drafts of unsaved edits live in sessionStorage: per tab, they outlive a reload and a server restart, and go when the
// tab closes. Storage that is full or switched off means no draft, never an error.

// A draft is a few kilobytes (a CA certificate at most 32 KB); anything much longer was not written by the portal and
// would not fit in one message to the server.
const maxLength = 100000;

export function read(key) {
    try {
        const value = sessionStorage.getItem(key);
        return value !== null && value.length <= maxLength ? value : null;
    } catch {
        return null;
    }
}

export function write(key, value) {
    try {
        sessionStorage.setItem(key, value);
    } catch {
        // Quota exceeded or storage disabled: the form still works, only without a draft.
    }
}

export function remove(key) {
    try {
        sessionStorage.removeItem(key);
    } catch {
    }
}
