// Everything that happens before a join succeeds: reading the group from the address, tokens
// carried in the URL, the authorisation-server exchange and the login form.

/** The group name from a group page path /group/NAME/ (percent-decoded per segment). */
export function groupNameFromPath(pathname) {
    const match = /^\/group\/(.+?)\/?$/.exec(pathname);
    if (!match) return null;
    try {
        return match[1].split("/").map(decodeURIComponent).join("/");
    } catch {
        return null;
    }
}

/** A group name (or username) as URL path segments: each percent-encoded, slashes kept. */
export function namePath(name) {
    return name.split("/").map(encodeURIComponent).join("/");
}

/** A group's page path. */
export function groupPath(name) {
    return `/group/${namePath(name)}/`;
}

/** The page URL without query or fragment: the `location` an authorisation server expects. */
export function pageLocation() {
    return `${location.origin}${location.pathname}`;
}

/** A token given in the query (`?token=`) or in the fragment (`#token=`), or null. */
export function tokenFromUrl(url = location.href) {
    const parsed = new URL(url);
    const fromQuery = parsed.searchParams.get("token");
    if (fromQuery) return fromQuery;
    const fragment = new URLSearchParams(parsed.hash.replace(/^#/, ""));
    return fragment.get("token") || null;
}

/**
 * Removes the token from the address bar and from this history entry, so that it is neither
 * bookmarked, shared by copying the address, nor found again with the back button.
 */
export function removeTokenFromUrl() {
    const parsed = new URL(location.href);
    parsed.searchParams.delete("token");
    const fragment = new URLSearchParams(parsed.hash.replace(/^#/, ""));
    if (fragment.has("token")) {
        fragment.delete("token");
        const rest = fragment.toString();
        parsed.hash = rest ? `#${rest}` : "";
    }
    history.replaceState(history.state, "", parsed.toString());
}

/** Raised when the authorisation server refuses or cannot be used; unreachable: it did not answer at all. */
export class AuthServerError extends Error {
    constructor(message, { unreachable = false } = {}) {
        super(message);
        this.unreachable = unreachable;
    }
}

/**
 * Posts the typed credentials to the group's authorisation server (auth.md §9).
 * Resolves to {token} (join with that JWT) or {usePassword: true} (204: ordinary password join).
 */
export async function askAuthServer(authServer, { username, password, location: where }) {
    let response;
    try {
        response = await fetch(authServer, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ location: where, username, password }),
            credentials: "omit",
            cache: "no-store",
        });
    } catch (e) {
        throw new AuthServerError(`Could not reach the authorisation server (${e.message})`, { unreachable: true });
    }
    if (response.status === 204) return { usePassword: true };
    if (!response.ok) {
        const reason = response.statusText || "";
        throw new AuthServerError(`The authorisation server said ${response.status} ${reason}`.trim());
    }
    const type = (response.headers.get("Content-Type") || "").split(";")[0].trim().toLowerCase();
    const body = (await response.text()).trim();
    if (type !== "application/jwt" || !body) {
        throw new AuthServerError("The authorisation server gave an answer that is not a token");
    }
    return { token: body };
}

/** Human text for a refused join (joined kind "fail"). */
export function describeJoinFailure(message) {
    return `The server said: ${message.value || "join refused"}`;
}

/**
 * The login form: username (and password unless the login is by token), a Join button.
 * onSubmit receives {username, password}.
 */
export class LoginForm {
    constructor(elements, onSubmit) {
        this.el = elements;
        this.busy = false;
        this.el.form.addEventListener("submit", async (event) => {
            event.preventDefault();
            if (this.busy) return;
            this.busy = true;
            this.el.join.disabled = true;
            try {
                await onSubmit({
                    username: this.el.username.value.trim(),
                    password: this.el.password.value,
                });
            } finally {
                this.busy = false;
                this.el.join.disabled = false;
            }
        });
    }

    /** Shows the form; withPassword false hides the password (token holders choosing a name). */
    show({ withPassword = true, explanation = "" } = {}) {
        this.el.section.hidden = false;
        this.el.passwordRow.hidden = !withPassword;
        this.el.password.disabled = !withPassword;
        this.el.explanation.textContent = explanation;
        this.el.explanation.hidden = !explanation;
        this.el.username.focus();
    }

    hide() {
        this.el.section.hidden = true;
        this.el.password.value = "";
    }
}
