// The chat pane: history and live messages (chat, chathistory), /me actions, private messages,
// operator clearing, and system entries such as invitation links.

function formatTime(time) {
    const date = time ? new Date(time) : new Date();
    if (Number.isNaN(date.getTime())) return "";
    return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

export class ChatView {
    /**
     * elements: {messages, form, input, target, targetName, clearTarget};
     * onSubmit(text, target) is called with the typed line and the private recipient (or null).
     */
    constructor(elements, onSubmit) {
        this.el = elements;
        this.target = null;
        this.el.form.addEventListener("submit", (event) => {
            event.preventDefault();
            const text = this.el.input.value;
            if (!text.trim()) return;
            this.el.input.value = "";
            onSubmit(text, this.target);
        });
        this.el.clearTarget.addEventListener("click", () => this.setTarget(null));
    }

    /** Directs the next messages privately to a user ({id, username}), or to everybody (null). */
    setTarget(user) {
        this.target = user;
        this.el.target.hidden = !user;
        this.el.targetName.textContent = user ? (user.username || "(anonymous)") : "";
        this.el.input.focus();
    }

    /** Drops the private recipient if that user left. */
    userGone(id) {
        if (this.target?.id === id) this.setTarget(null);
    }

    /** Shows a chat or chathistory message. names maps client ids to usernames for private ones. */
    add(message, { ownId, nameOf }) {
        if (message.kind === "caption") {
            this.addSystem(`Caption: ${message.value}`);
            return;
        }
        const entry = document.createElement("li");
        entry.className = "chat-entry";
        if (message.id) entry.dataset.id = message.id;
        if (message.source) entry.dataset.source = message.source;
        const time = document.createElement("time");
        time.className = "chat-time";
        if (message.time) time.dateTime = message.time;
        time.textContent = formatTime(message.time);
        const who = document.createElement("span");
        who.className = "chat-user";
        const name = message.username || (message.source ? "(anonymous)" : "Server");
        const text = document.createElement("span");
        text.className = "chat-text";
        const value = typeof message.value === "string" ? message.value : JSON.stringify(message.value);
        if (message.kind === "me") {
            entry.classList.add("chat-me");
            who.textContent = `* ${name}`;
            text.textContent = ` ${value}`;
        } else {
            who.textContent = `${name}:`;
            text.textContent = ` ${value}`;
        }
        if (message.dest) {
            entry.classList.add("chat-private");
            const label = document.createElement("span");
            label.className = "chat-private-label";
            label.textContent = message.source === ownId
                ? `(private to ${nameOf(message.dest)}) `
                : "(private) ";
            entry.append(time, " ", label, who, text);
        } else {
            entry.append(time, " ", who, text);
        }
        if (message.privileged) entry.classList.add("chat-privileged");
        this.append(entry);
    }

    /** A line from the client itself (help, invitation links, command feedback). */
    addSystem(text, extra = null) {
        const entry = document.createElement("li");
        entry.className = "chat-entry chat-system";
        const span = document.createElement("span");
        span.textContent = text;
        entry.append(span);
        if (extra) entry.append(extra);
        this.append(entry);
        return entry;
    }

    append(entry) {
        const list = this.el.messages;
        const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
        list.append(entry);
        if (atBottom) list.scrollTop = list.scrollHeight;
    }

    /** Applies a privileged `clearchat` usermessage (protocol.md §7.1). */
    clear(value) {
        const entries = [...this.el.messages.querySelectorAll(".chat-entry:not(.chat-system)")];
        if (!value || typeof value !== "object") {
            for (const entry of entries) entry.remove();
            return;
        }
        for (const entry of entries) {
            if (value.userId && entry.dataset.source !== value.userId) continue;
            if (value.id && entry.dataset.id !== value.id) continue;
            entry.remove();
        }
    }

    reset() {
        this.el.messages.replaceChildren();
        this.setTarget(null);
    }
}

/** The invitation link shown after /invite, with a copy button (readonly input so it can be selected). */
export function invitationElement(link) {
    const wrapper = document.createElement("span");
    wrapper.className = "invitation";
    const label = document.createElement("label");
    const id = `invitation-${Math.random().toString(36).slice(2)}`;
    label.htmlFor = id;
    label.textContent = "Invitation link";
    label.className = "visually-hidden";
    const input = document.createElement("input");
    input.id = id;
    input.readOnly = true;
    input.value = link;
    input.className = "invitation-link";
    const copy = document.createElement("button");
    copy.type = "button";
    copy.textContent = "Copy";
    copy.addEventListener("click", async () => {
        try {
            await navigator.clipboard.writeText(link);
            copy.textContent = "Copied";
        } catch {
            input.select();
            copy.textContent = document.execCommand("copy") ? "Copied" : "Select and copy";
        }
    });
    wrapper.append(label, input, copy);
    return wrapper;
}
