// The users and chat panels beside the stage: each can be hidden with its toolbar toggle, the
// choice is remembered in this browser, and while chat is hidden new messages are counted on the
// Chat button (and announced once, politely). On a narrow screen (a phone) at most one panel is
// shown, between the video and the bottom bar, so the video stays the main thing; the chat's
// message box stays there even while the chat is hidden, so one can always type.

import { setPressed } from "./toolbar.js";
import { loadPreference, savePreference } from "./preferences.js";

const narrowQuery = window.matchMedia("(max-width: 40rem)");

export class Panels {
    /**
     * el: {users, chat (the panels), usersToggle, chatToggle, unread (badge in the chat
     * toggle), unreadStatus (live region), messageInput}.
     */
    constructor(el) {
        this.el = el;
        this.unread = 0;
        // Wide and narrow screens remember separately: what suits a laptop crowds a phone.
        this.wide = loadPreference("panels", { users: true, chat: true });
        this.narrow = loadPreference("panels-narrow", { users: false, chat: false });
        el.usersToggle.addEventListener("click", () => this.toggle("users"));
        el.chatToggle.addEventListener("click", () => this.toggle("chat"));
        narrowQuery.addEventListener("change", () => this.render());
        this.render();
    }

    get state() {
        return narrowQuery.matches ? this.narrow : this.wide;
    }

    isShown(name) {
        return !!this.state[name];
    }

    toggle(name) {
        this.show(name, !this.isShown(name));
    }

    /** Shows or hides one panel; showing chat moves focus to the message box. */
    show(name, shown) {
        const state = this.state;
        state[name] = shown;
        if (narrowQuery.matches && shown) {
            for (const other of ["users", "chat"]) if (other !== name) state[other] = false;
        }
        savePreference(narrowQuery.matches ? "panels-narrow" : "panels", state);
        this.render();
        if (name === "chat" && shown) this.el.messageInput.focus();
    }

    render() {
        for (const name of ["users", "chat"]) {
            const shown = this.isShown(name);
            const keepInput = name === "chat" && narrowQuery.matches;
            this.el[name].hidden = !shown && !keepInput;
            this.el[name].classList.toggle("collapsed", !shown && keepInput);
            setPressed(this.el[`${name}Toggle`], shown);
        }
        if (this.isShown("chat")) this.setUnread(0);
    }

    /** Counts a message that arrived while chat was hidden. */
    messageArrived() {
        if (this.isShown("chat")) return;
        this.setUnread(this.unread + 1);
    }

    setUnread(count) {
        if (count === this.unread) return;
        this.unread = count;
        const badge = this.el.unread;
        badge.hidden = count === 0;
        badge.replaceChildren();
        if (count > 0) {
            const hidden = document.createElement("span");
            hidden.className = "visually-hidden";
            hidden.textContent = count === 1 ? " unread message" : " unread messages";
            badge.append(String(count), hidden);
            this.el.unreadStatus.textContent = `${count}${hidden.textContent}`;
        } else {
            this.el.unreadStatus.textContent = "";
        }
    }
}
