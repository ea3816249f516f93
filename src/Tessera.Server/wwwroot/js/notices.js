// Unobtrusive notices in an ARIA live region (role="status"), so screen readers announce them
// without stealing focus. Errors stay longer than information; every notice can be dismissed.

const lifetimes = { info: 6000, warning: 10000, error: 15000 };

let region = null;

/** Binds the module to the live-region element of the page. */
export function attachNotices(element) {
    region = element;
}

/**
 * Shows a notice. kind is "info", "warning" or "error"; persistent notices stay until dismissed
 * (used for things the user must not miss, such as being kicked out).
 */
export function notify(text, { kind = "info", persistent = false } = {}) {
    if (!region) {
        console.warn(text);
        return null;
    }
    const item = document.createElement("div");
    item.className = `notice notice-${kind}`;
    const message = document.createElement("span");
    message.className = "notice-text";
    message.textContent = text;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "notice-close";
    close.textContent = "×";
    close.setAttribute("aria-label", "Dismiss notice");
    close.addEventListener("click", () => item.remove());
    item.append(message, close);
    region.append(item);
    if (!persistent) {
        setTimeout(() => item.remove(), lifetimes[kind] ?? lifetimes.info);
    }
    return item;
}

/** Removes every notice, e.g. before a new login attempt. */
export function clearNotices() {
    if (region) region.replaceChildren();
}
