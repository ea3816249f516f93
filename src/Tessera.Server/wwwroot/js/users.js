// The list of group members (protocol.md §4.5): one entry per client with its role and raised
// hand, and a per-user menu of actions (private message; moderation for operators).

/** The role shown for a permission list: op, presenter or observer. */
export function roleOf(permissions) {
    const list = permissions || [];
    if (list.includes("op")) return "op";
    if (list.includes("present")) return "presenter";
    return "observer";
}

export class UserList {
    /**
     * list: the <ul> element; actions: {privateMessage(user), act(kind, user), sendFile(user)}; me(): our own
     * {id, permissions}.
     */
    constructor(list, actions, me) {
        this.list = list;
        this.actions = actions;
        this.me = me;
        this.users = new Map();
        this.openMenu = null;
        document.addEventListener("keydown", (event) => {
            if (event.key === "Escape" && this.openMenu) this.closeMenu(true);
        });
        document.addEventListener("click", (event) => {
            if (this.openMenu && !this.openMenu.item.contains(event.target)) this.closeMenu(false);
        });
    }

    /** Applies a `user` message. */
    handle(message) {
        if (message.kind === "delete") {
            this.users.delete(message.id);
        } else if (message.kind === "add" || message.kind === "change") {
            this.users.set(message.id, {
                id: message.id,
                username: message.username ?? "",
                permissions: message.permissions || [],
                data: message.data || {},
            });
        }
        this.render();
    }

    get(id) {
        return this.users.get(id);
    }

    /** The first member with this username (slash commands name users by username). */
    findByName(name) {
        for (const user of this.users.values()) if (user.username === name) return user;
        return null;
    }

    clear() {
        this.users.clear();
        this.closeMenu(false);
        this.render();
    }

    displayName(user) {
        return user.username || "(anonymous)";
    }

    render() {
        const menuFor = this.openMenu?.userId;
        // Re-rendering must not throw a keyboard user's focus away when someone joins or leaves.
        const active = document.activeElement;
        const focused = this.list.contains(active) ? active.closest("li.user") : null;
        const focusedId = focused?.dataset.id;
        const focusInMenu = !!focused && !!active.closest(".user-menu");
        this.openMenu = null;
        const sorted = [...this.users.values()].sort((a, b) =>
            this.displayName(a).localeCompare(this.displayName(b)));
        this.list.replaceChildren(...sorted.map((user) => this.renderUser(user)));
        if (menuFor && this.users.has(menuFor)) this.showMenu(menuFor, focusInMenu && focusedId === menuFor);
        if (focusedId && !(focusInMenu && focusedId === menuFor)) {
            this.list.querySelector(`li[data-id="${CSS.escape(focusedId)}"] .user-button`)?.focus();
        }
    }

    renderUser(user) {
        const item = document.createElement("li");
        item.className = "user";
        item.dataset.id = user.id;
        const button = document.createElement("button");
        button.type = "button";
        button.className = "user-button";
        button.setAttribute("aria-haspopup", "true");
        button.setAttribute("aria-expanded", "false");
        const name = document.createElement("span");
        name.className = "user-name";
        name.textContent = this.displayName(user) + (user.id === this.me().id ? " (you)" : "");
        const role = document.createElement("span");
        const roleName = roleOf(user.permissions);
        role.className = `user-role role-${roleName}`;
        role.textContent = roleName;
        button.append(name, " ", role);
        if (user.data.raisehand) {
            const hand = document.createElement("span");
            hand.className = "user-hand";
            hand.textContent = "✋ hand raised";
            button.append(" ", hand);
        }
        button.addEventListener("click", (event) => {
            event.stopPropagation();
            if (this.openMenu?.userId === user.id) this.closeMenu(true);
            else this.showMenu(user.id, true);
        });
        item.append(button);
        return item;
    }

    menuEntries(user) {
        const entries = [];
        const self = user.id === this.me().id;
        if (!self) entries.push(["Send private message", () => this.actions.privateMessage(user)]);
        if (!self && this.actions.sendFile) entries.push(["Send file", () => this.actions.sendFile(user)]);
        if (this.me().permissions.includes("op")) {
            const has = (p) => user.permissions.includes(p);
            entries.push(has("op") ? ["Remove operator", () => this.actions.act("unop", user)]
                : ["Make operator", () => this.actions.act("op", user)]);
            entries.push(has("present") ? ["Stop presenting", () => this.actions.act("unpresent", user)]
                : ["Allow presenting", () => this.actions.act("present", user)]);
            entries.push(has("message") ? ["Forbid chatting", () => this.actions.act("shutup", user)]
                : ["Allow chatting", () => this.actions.act("unshutup", user)]);
            if (!self) {
                entries.push(["Mute microphone", () => this.actions.act("mute", user)]);
                entries.push(["Kick out", () => this.actions.act("kick", user)]);
            }
        }
        return entries;
    }

    showMenu(userId, focusFirst) {
        this.closeMenu(false);
        const item = this.list.querySelector(`li[data-id="${CSS.escape(userId)}"]`);
        const user = this.users.get(userId);
        if (!item || !user) return;
        const entries = this.menuEntries(user);
        if (entries.length === 0) return;
        const menu = document.createElement("ul");
        menu.className = "user-menu";
        menu.setAttribute("aria-label", `Actions for ${this.displayName(user)}`);
        for (const [label, run] of entries) {
            const entry = document.createElement("li");
            const button = document.createElement("button");
            button.type = "button";
            button.textContent = label;
            button.addEventListener("click", (event) => {
                event.stopPropagation();
                this.closeMenu(false);
                run();
            });
            entry.append(button);
            menu.append(entry);
        }
        item.append(menu);
        item.querySelector(".user-button").setAttribute("aria-expanded", "true");
        this.openMenu = { userId, item };
        if (focusFirst) menu.querySelector("button").focus();
    }

    closeMenu(returnFocus) {
        if (!this.openMenu) return;
        const { item } = this.openMenu;
        item.querySelector(".user-menu")?.remove();
        const button = item.querySelector(".user-button");
        button?.setAttribute("aria-expanded", "false");
        this.openMenu = null;
        if (returnFocus) button?.focus();
    }
}
