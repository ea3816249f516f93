// Small per-browser preferences (panels, devices, shortcuts) in localStorage, as JSON under a
// "tessera." prefix. Storage can be unavailable (private modes, quotas): then the defaults apply
// and nothing is remembered, which never breaks the page.

const prefix = "tessera.";

/** The stored value, or `fallback` when there is none or it cannot be read. */
export function loadPreference(key, fallback) {
    try {
        const text = localStorage.getItem(prefix + key);
        if (text === null) return structuredClone(fallback);
        const value = JSON.parse(text);
        if (fallback && typeof fallback === "object" && !Array.isArray(fallback)) {
            return { ...structuredClone(fallback), ...(value && typeof value === "object" ? value : {}) };
        }
        return value ?? structuredClone(fallback);
    } catch {
        return structuredClone(fallback);
    }
}

export function savePreference(key, value) {
    try {
        localStorage.setItem(prefix + key, JSON.stringify(value));
    } catch {
        // Not remembered; the page works the same.
    }
}
