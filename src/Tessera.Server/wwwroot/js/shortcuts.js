// Keyboard shortcuts for the call: camera, microphone, mute, raise hand, chat and this list.
// Defaults use Alt+Shift with a letter, which screen readers' browse modes leave alone; each
// shortcut can be changed or switched off, and all of them at once, in the shortcuts dialog.
// Keys are matched by physical key (event.code) so Alt+Shift still works where it changes the
// character typed (macOS). Choices are remembered in this browser.

import { loadPreference, savePreference } from "./preferences.js";

export const defaultShortcuts = {
    camera: { alt: true, shift: true, code: "KeyC" },
    microphone: { alt: true, shift: true, code: "KeyM" },
    mute: { alt: true, shift: true, code: "KeyU" },
    hand: { alt: true, shift: true, code: "KeyH" },
    chat: { alt: true, shift: true, code: "KeyT" },
    help: { alt: true, shift: true, code: "KeyK" },
};

const descriptions = {
    camera: "Camera on or off",
    microphone: "Microphone on or off",
    mute: "Mute or unmute",
    hand: "Raise or lower your hand",
    chat: "Go to the chat message box",
    help: "Show these shortcuts",
};

const modifierCodes = new Set(["ShiftLeft", "ShiftRight", "AltLeft", "AltRight", "ControlLeft",
    "ControlRight", "MetaLeft", "MetaRight", "CapsLock", "OSLeft", "OSRight"]);

/** "Alt+Shift+C" for a shortcut, "none" for a disabled one. */
export function describeKeys(keys) {
    if (!keys) return "none";
    const key = keys.code.replace(/^Key/, "").replace(/^Digit/, "");
    return [keys.ctrl && "Ctrl", keys.alt && "Alt", keys.shift && "Shift", keys.meta && "Meta", key]
        .filter(Boolean).join("+");
}

function keysOf(event) {
    return { ctrl: event.ctrlKey, alt: event.altKey, shift: event.shiftKey, meta: event.metaKey, code: event.code };
}

function same(a, b) {
    return !!a && !!b && a.code === b.code && !!a.ctrl === !!b.ctrl && !!a.alt === !!b.alt
        && !!a.shift === !!b.shift && !!a.meta === !!b.meta;
}

export class Shortcuts {
    /**
     * actions: {camera(), microphone(), mute(), hand(), chat()}; el: {dialog, list, enabled,
     * reset, close, status, open (the toolbar button)}; active(): whether the call is shown.
     */
    constructor(actions, el, active) {
        this.actions = { ...actions, help: () => this.open() };
        this.el = el;
        this.active = active;
        this.capturing = null;
        const saved = loadPreference("shortcuts", { enabled: true, keys: {} });
        this.enabled = saved.enabled !== false;
        this.keys = { ...defaultShortcuts, ...saved.keys };
        document.addEventListener("keydown", (event) => this.onKey(event));
        el.open.addEventListener("click", () => this.open());
        el.close.addEventListener("click", () => el.dialog.close());
        el.enabled.addEventListener("change", () => {
            this.enabled = el.enabled.checked;
            this.save();
            this.render();
        });
        el.reset.addEventListener("click", () => {
            this.keys = { ...defaultShortcuts };
            this.save();
            this.render();
            this.say("Default shortcuts restored.");
        });
        // Escape while a new key is awaited cancels the change, not the dialog.
        el.dialog.addEventListener("cancel", (event) => {
            if (!this.capturing) return;
            event.preventDefault();
            this.stopCapture("Change cancelled.");
        });
        el.dialog.addEventListener("close", () => this.stopCapture(""));
        this.render();
    }

    save() {
        savePreference("shortcuts", { enabled: this.enabled, keys: this.keys });
    }

    open() {
        this.render();
        if (!this.el.dialog.open) this.el.dialog.showModal();
    }

    say(text) {
        this.el.status.textContent = text;
    }

    onKey(event) {
        if (this.capturing) {
            this.capture(event);
            return;
        }
        if (!this.enabled || !this.active() || this.el.dialog.open || event.repeat) return;
        const pressed = keysOf(event);
        for (const [action, keys] of Object.entries(this.keys)) {
            if (!same(keys, pressed)) continue;
            event.preventDefault();
            this.actions[action]();
            return;
        }
    }

    /** Takes the next key combination (with Ctrl, Alt or Meta, so typing never triggers it). */
    capture(event) {
        if (event.key === "Escape" || modifierCodes.has(event.code)) return;
        event.preventDefault();
        event.stopPropagation();
        const keys = keysOf(event);
        if (!keys.ctrl && !keys.alt && !keys.meta) {
            this.say(`${describeKeys(keys)} is typed text or a screen reader key: add Alt, Ctrl or Meta.`);
            return;
        }
        const action = this.capturing;
        const taken = Object.entries(this.keys).find(([other, k]) => other !== action && same(k, keys));
        if (taken) {
            this.say(`${describeKeys(keys)} is already used for “${descriptions[taken[0]]}”.`);
            return;
        }
        this.keys[action] = keys;
        this.save();
        this.stopCapture(`“${descriptions[action]}” is now ${describeKeys(keys)}.`);
    }

    stopCapture(text) {
        const action = this.capturing;
        this.capturing = null;
        this.render();
        if (text) this.say(text);
        if (action) this.el.list.querySelector(`[data-action="${action}"] .shortcut-change`)?.focus();
    }

    render() {
        this.el.enabled.checked = this.enabled;
        const rows = Object.keys(defaultShortcuts).map((action) => {
            const row = document.createElement("tr");
            row.dataset.action = action;
            const what = document.createElement("th");
            what.scope = "row";
            what.textContent = descriptions[action];
            const keys = document.createElement("td");
            const kbd = document.createElement("kbd");
            kbd.textContent = this.capturing === action ? "press keys…" : describeKeys(this.keys[action]);
            keys.append(kbd);
            const buttons = document.createElement("td");
            const change = document.createElement("button");
            change.type = "button";
            change.className = "shortcut-change";
            change.textContent = "Change";
            change.setAttribute("aria-label", `Change shortcut: ${descriptions[action]}`);
            change.disabled = !this.enabled;
            change.addEventListener("click", () => {
                this.capturing = action;
                this.render();
                this.say(`Press the new keys for “${descriptions[action]}”, or Escape to cancel.`);
                this.el.list.querySelector(`[data-action="${action}"] .shortcut-change`)?.focus();
            });
            const off = document.createElement("button");
            off.type = "button";
            off.textContent = "Switch off";
            off.setAttribute("aria-label", `Switch off shortcut: ${descriptions[action]}`);
            off.disabled = !this.enabled || !this.keys[action];
            off.addEventListener("click", () => {
                this.keys[action] = null;
                this.save();
                this.render();
                this.say(`“${descriptions[action]}” has no shortcut now.`);
                this.el.list.querySelector(`[data-action="${action}"] .shortcut-change`)?.focus();
            });
            buttons.append(change, " ", off);
            row.append(what, keys, buttons);
            return row;
        });
        this.el.list.replaceChildren(...rows);
    }
}
