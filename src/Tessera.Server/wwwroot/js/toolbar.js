// The call controls' look: an icon and a text label on every button, and for toggles a state
// word ("on"/"off") and a crossed icon when off, so the state is visible in words and shape and
// not only in colour. Assistive technology reads the state from aria-pressed; the state word is
// aria-hidden so the button's name stays constant ("Camera", pressed or not).

import { icon } from "./icons.js";

/**
 * Adds the icon (from data-icon) and, for toggles with data-state, the state word.
 * data-cross-off crosses the icon while the toggle is off; data-icon-pressed names another icon
 * for the pressed state.
 */
export function decorateControl(button) {
    button.prepend(icon(button.dataset.icon));
    if (button.hasAttribute("data-state")) {
        const state = document.createElement("span");
        state.className = "control-state";
        state.setAttribute("aria-hidden", "true");
        button.append(state);
    }
    renderPressed(button);
}

/** Sets a toggle's state: aria-pressed, the state word and the icon follow. */
export function setPressed(button, on) {
    if (button.getAttribute("aria-pressed") === String(on) && button.dataset.rendered) return;
    button.setAttribute("aria-pressed", String(on));
    renderPressed(button);
}

function renderPressed(button) {
    const pressed = button.getAttribute("aria-pressed") === "true";
    button.dataset.rendered = "1";
    const state = button.querySelector(".control-state");
    if (state) state.textContent = pressed ? "on" : "off";
    const name = pressed && button.dataset.iconPressed ? button.dataset.iconPressed : button.dataset.icon;
    const off = button.hasAttribute("data-cross-off") && !pressed;
    button.querySelector("svg.icon")?.replaceWith(icon(name, { off }));
}

/**
 * Left/Right (and Home/End) move focus between a toolbar's usable buttons, as a toolbar's
 * keyboard users expect; Tab still reaches every button too, so nothing depends on arrows.
 */
export function enableArrowKeys(toolbar) {
    toolbar.addEventListener("keydown", (event) => {
        if (!["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) return;
        const buttons = [...toolbar.querySelectorAll("button")].filter((b) => !b.disabled && b.offsetParent !== null);
        const at = buttons.indexOf(document.activeElement);
        if (at < 0 || buttons.length === 0) return;
        event.preventDefault();
        const next = {
            ArrowLeft: (at - 1 + buttons.length) % buttons.length,
            ArrowRight: (at + 1) % buttons.length,
            Home: 0,
            End: buttons.length - 1,
        }[event.key];
        buttons[next].focus();
    });
}
