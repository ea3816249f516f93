// Getting back into the group after the connection to the server was lost unexpectedly: a
// backoff schedule, the loop that runs attempts on it, and what the user sees meanwhile.

import { notify } from "./notices.js";

/**
 * Exponential backoff with jitter: about 1 s, 2 s, 4 s … each within ±20 %, never above 30 s.
 * The jitter keeps a whole group, cut off at once, from knocking at the same instant.
 */
export class Backoff {
    constructor({ initialMs = 1000, maxMs = 30000, jitter = 0.2, random = Math.random } = {}) {
        this.initialMs = initialMs;
        this.maxMs = maxMs;
        this.jitter = jitter;
        this.random = random;
        this.attempts = 0;
    }

    /** The delay before the next attempt. */
    next() {
        const nominal = this.initialMs * 2 ** Math.min(this.attempts, 30);
        this.attempts += 1;
        const spread = 1 - this.jitter + 2 * this.jitter * this.random();
        return Math.round(Math.min(this.maxMs, nominal * spread));
    }

    reset() {
        this.attempts = 0;
    }
}

/**
 * The banner over the page while reconnecting (a countdown, "Reconnect now", "Stop
 * reconnecting") and one notice in the live region, updated once per scheduled attempt rather
 * than every second so that screen readers are not flooded.
 */
export class ReconnectView {
    /** el: {banner, text, now, stop}. */
    constructor(el) {
        this.el = el;
        this.notice = null;
        this.ticker = null;
    }

    /** Waiting delayMs before the next attempt. */
    waiting(delayMs) {
        const at = Date.now() + delayMs;
        const text = () => `Connection lost — reconnecting in ${Math.max(1, Math.ceil((at - Date.now()) / 1000))} s…`;
        this.show(text());
        this.announce(text());
        this.stopTicker();
        this.ticker = setInterval(() => {
            this.el.text.textContent = text();
        }, 1000);
    }

    trying() {
        this.stopTicker();
        this.show("Connection lost — reconnecting now…");
    }

    /** Back in the group; `announce`: say so (not after a redirect during the first join). */
    done(announce) {
        this.hide();
        if (announce) notify("Reconnected");
    }

    hide() {
        this.stopTicker();
        this.notice?.remove();
        this.notice = null;
        this.el.banner.hidden = true;
    }

    show(text) {
        this.el.text.textContent = text;
        this.el.banner.hidden = false;
    }

    announce(text) {
        if (this.notice?.isConnected) {
            this.notice.querySelector(".notice-text").textContent = text;
            return;
        }
        this.notice = notify(text, { kind: "warning", persistent: true });
    }

    stopTicker() {
        if (this.ticker) clearInterval(this.ticker);
        this.ticker = null;
    }
}

/**
 * Runs reconnection attempts on a backoff schedule until one succeeds or gives up. `attempt`
 * resolves with "joined", "retry" (try again later), "redirected" (the server sent us elsewhere
 * in the same group: at once the first time, then on the schedule) or "stop" (it ended otherwise,
 * e.g. a refused join, and has shown why).
 */
export class Reconnection {
    constructor(view, attempt, backoff = new Backoff()) {
        this.view = view;
        this.attempt = attempt;
        this.backoff = backoff;
        this.active = false;
        this.running = false;
        this.timer = null;
        this.redirectedAtOnce = false;
        this.announce = false;
    }

    /**
     * Starts reconnecting unless already doing so. immediately: the first attempt without a wait
     * (after a redirect); announce: say "Reconnected" at the end.
     */
    start({ immediately = false, announce = true } = {}) {
        if (this.active) return;
        this.active = true;
        this.announce = announce;
        // A start after a redirect already is the one attempt made at once.
        this.redirectedAtOnce = immediately;
        this.backoff.reset();
        if (immediately) this.run();
        else this.schedule();
    }

    schedule() {
        const delay = this.backoff.next();
        // The schedule is visible to whoever debugs a connection (and to the tests).
        console.info(`Reconnect attempt ${this.backoff.attempts} in ${delay} ms`);
        this.view.waiting(delay);
        this.timer = setTimeout(() => this.run(), delay);
    }

    /** "Reconnect now": the waiting attempt happens at once. */
    now() {
        if (!this.active || this.running) return;
        this.run();
    }

    async run() {
        clearTimeout(this.timer);
        this.timer = null;
        this.running = true;
        this.view.trying();
        let result;
        try {
            result = await this.attempt();
        } catch (e) {
            console.error("reconnection attempt failed", e);
            result = "retry";
        } finally {
            this.running = false;
        }
        if (!this.active) return;
        if (result === "joined") {
            this.active = false;
            this.view.done(this.announce);
        } else if (result === "stop") {
            this.stop();
        } else if (result === "redirected" && !this.redirectedAtOnce) {
            this.redirectedAtOnce = true;
            this.run();
        } else {
            this.schedule();
        }
    }

    /** Gives up: no further attempt. */
    stop() {
        this.active = false;
        clearTimeout(this.timer);
        this.timer = null;
        this.view.hide();
    }
}
