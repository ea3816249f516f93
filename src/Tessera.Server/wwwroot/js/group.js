// The group page controller: decides how to log in from the group's status, joins, and wires
// the connection to the user list, the chat, the media and the notices.

import { Connection, endpointFor } from "./protocol.js";
import { attachNotices, notify, clearNotices } from "./notices.js";
import {
    groupNameFromPath, pageLocation, tokenFromUrl, removeTokenFromUrl,
    askAuthServer, AuthServerError, describeJoinFailure, LoginForm,
} from "./login.js";
import { UserList } from "./users.js";
import { ChatView, invitationElement } from "./chat.js";
import { runLine } from "./commands.js";
import { MediaManager } from "./media.js";
import { MediaControls } from "./mediacontrols.js";
import { FileTransfers } from "./filetransfer.js";
import { decorateControl, setPressed, enableArrowKeys } from "./toolbar.js";
import { StageLayout } from "./stagelayout.js";
import { Panels } from "./panels.js";
import { AudioLevels, ActiveSpeaker } from "./audiolevels.js";
import { QualityMonitor } from "./quality.js";
import { Shortcuts } from "./shortcuts.js";
import { Reconnection, ReconnectView } from "./reconnect.js";

const $ = (id) => document.getElementById(id);

/** Whether a redirect names this page's own group (/group/NAME/ on any host): another node of it. */
function sameGroupPage(value) {
    let url;
    try {
        url = new URL(value, location.href);
    } catch {
        return false;
    }
    const here = groupNameFromPath(location.pathname);
    return here !== null && groupNameFromPath(url.pathname) === here;
}

// Server-originated usermessage kinds; without `privileged` they are forgeries and are ignored.
const serverKinds = new Set(["error", "warning", "info", "kicked", "mute", "clearchat",
    "token", "tokenlist", "userinfo"]);

class GroupPage {
    constructor() {
        attachNotices($("notices"));
        this.status = null;
        this.group = null;
        this.conn = null;
        this.token = null;
        this.permissions = [];
        this.joined = false;
        this.kicked = false;
        this.pendingJoin = null;
        // What the user joined with (typed password or token), for re-joins: kept in memory only.
        this.credentials = null;
        // Leave was pressed: a close before the server's answer is no reason to reconnect.
        this.leaving = false;
        this.reconnection = new Reconnection(
            new ReconnectView({ banner: $("reconnecting"), text: $("reconnecting-text") }),
            () => this.rejoin());

        this.login = new LoginForm({
            section: $("login"), form: $("login-form"), username: $("username"),
            password: $("password"), passwordRow: $("password-row"), join: $("join"),
            explanation: $("login-explanation"),
        }, (credentials) => this.submitLogin(credentials));
        this.users = new UserList($("users"), {
            privateMessage: (user) => this.chat.setTarget(user),
            act: (kind, user) => this.userAction(kind, user),
            sendFile: (user) => this.files.choose(user),
        }, () => ({ id: this.conn?.id, permissions: this.permissions }));
        this.files = new FileTransfers($("transfers"), {
            send: (dest, value) => this.conn?.send({ type: "usermessage", kind: "filetransfer", dest, value }),
            rtcConfiguration: () => this.media.rtcConfiguration,
            nameOf: (id) => this.nameOf(id),
        });
        this.chat = new ChatView({
            messages: $("messages"), form: $("chat-form"), input: $("message"),
            target: $("chat-target"), targetName: $("chat-target-name"), clearTarget: $("chat-target-clear"),
        }, (text, target) => runLine(text, target, this));
        this.media = new MediaManager(null, $("tiles"), notify, () => this.mediaControls.render());
        this.levels = new AudioLevels();
        this.mediaControls = new MediaControls(this.media, {
            camera: $("camera"), microphone: $("microphone"), mute: $("mute"), screenshare: $("screenshare"),
            cameraDevice: $("camera-device"), microphoneDevice: $("microphone-device"), receive: $("receive"),
            presentNote: $("present-note"), settings: $("media-settings"), level: $("microphone-level"),
            levelNote: $("microphone-level-note"), background: $("background"), backgroundField: $("background-field"),
        }, () => this.sendRequest(), this.levels);
        new ActiveSpeaker(this.levels, () => this.speakingCandidates());
        new QualityMonitor(() => this.media.downStreams());
        this.stage = new StageLayout($("tiles"));
        this.media.onPin = (tile) => this.pin(tile);
        for (const button of $("call-controls").querySelectorAll("button.control")) decorateControl(button);
        enableArrowKeys($("call-controls"));
        this.panels = new Panels({
            users: $("people-panel"), chat: $("chat-panel"), usersToggle: $("toggle-users"),
            chatToggle: $("toggle-chat"), unread: $("chat-unread"), unreadStatus: $("chat-unread-status"),
            messageInput: $("message"),
        });
        this.shortcuts = new Shortcuts({
            camera: () => $("camera").click(),
            microphone: () => $("microphone").click(),
            mute: () => $("mute").click(),
            hand: () => $("raise-hand").click(),
            chat: () => this.panels.show("chat", true),
        }, {
            dialog: $("shortcuts-dialog"), list: $("shortcuts-list"), enabled: $("shortcuts-enabled"),
            reset: $("shortcuts-reset"), close: $("shortcuts-close"), status: $("shortcuts-status"),
            open: $("shortcuts"),
        }, () => this.joined);
        this.bindControls();
    }

    /** Tiles whose sound may make them the active speaker: everyone received, and oneself. */
    speakingCandidates() {
        const tiles = this.media.downStreams().map((s) => ({ key: `tile:${s.id}`, stream: s.media, figure: s.tile.figure }));
        const self = this.media.localTile;
        if (self) tiles.push({ key: "tile:self", stream: self.video.srcObject, figure: self.figure });
        return tiles;
    }

    /** Focuses one tile on the stage (null: back to the grid); its Pin button follows. */
    pin(tile) {
        this.stage.pin(tile?.figure ?? null);
        for (const stream of this.media.downStreams()) stream.tile.setPinned(stream.tile === tile);
    }

    bindControls() {
        $("leave").addEventListener("click", () => this.leave());
        $("reconnect-now").addEventListener("click", () => this.reconnection.now());
        $("reconnect-stop").addEventListener("click", () => this.endReconnection("You stopped reconnecting.", "info"));
        $("raise-hand").addEventListener("click", () => {
            const me = this.users.get(this.conn?.id);
            this.setRaisedHand(!me?.data.raisehand);
        });
        $("lock-form").addEventListener("submit", (event) => {
            event.preventDefault();
            this.groupAction("lock", $("lock-message").value.trim() || undefined);
            $("lock-message").value = "";
        });
        $("unlock").addEventListener("click", () => this.groupAction("unlock"));
        $("clear-chat").addEventListener("click", () => this.groupAction("clearchat"));
        $("record").addEventListener("click", () => this.groupAction("record"));
        $("unrecord").addEventListener("click", () => this.groupAction("unrecord"));
        this.bindSettings();
        this.bindFullscreen();
        this.bindMore();
    }

    /** On phones the less used controls wait behind "More" (on wider screens it is not shown). */
    bindMore() {
        const more = $("more");
        const bar = $("call-controls");
        const show = (shown) => {
            bar.classList.toggle("show-more", shown);
            more.setAttribute("aria-expanded", String(shown));
        };
        more.addEventListener("click", () => show(!bar.classList.contains("show-more")));
        $("more-controls").addEventListener("keydown", (event) => {
            if (event.key !== "Escape" || !bar.classList.contains("show-more")) return;
            show(false);
            more.focus();
        });
    }

    /** The Settings button shows and hides the media settings; Escape closes them. */
    bindSettings() {
        const button = $("settings");
        const settings = $("media-settings");
        const show = (shown) => {
            settings.hidden = !shown;
            button.setAttribute("aria-expanded", String(shown));
        };
        button.addEventListener("click", () => show(settings.hidden));
        settings.addEventListener("keydown", (event) => {
            if (event.key !== "Escape") return;
            show(false);
            button.focus();
        });
    }

    /** Full screen for the whole call view (stage, panels and controls). */
    bindFullscreen() {
        const button = $("fullscreen");
        const conference = $("conference");
        if (!document.fullscreenEnabled) {
            button.hidden = true;
            return;
        }
        button.addEventListener("click", async () => {
            try {
                if (document.fullscreenElement) await document.exitFullscreen();
                else await conference.requestFullscreen();
            } catch (e) {
                notify(`Full screen is not available: ${e.message}`, { kind: "warning" });
            }
        });
        document.addEventListener("fullscreenchange", () => {
            setPressed(button, document.fullscreenElement === conference);
        });
    }

    // ---- Start-up: which login applies ----

    async start() {
        const name = groupNameFromPath(location.pathname);
        if (!name) {
            this.unavailable("This page does not belong to a group.");
            return;
        }
        const read = await this.readStatus();
        if (read.missing) {
            this.unavailable(`There is no group called ${name}.`, "/", "Back to the list of groups");
            return;
        }
        if (!read.status) {
            this.unavailable(read.failure);
            return;
        }
        this.status = read.status;
        this.group = this.status.name || name;
        this.showTitle();
        if (this.status.redirect) {
            this.moved(this.status.redirect);
            return;
        }
        // A token in the address wins over the portal, which wins over the form (auth.md §10).
        const token = tokenFromUrl();
        if (token) {
            removeTokenFromUrl();
            this.token = token;
            await this.tokenLogin(undefined);
            return;
        }
        if (this.status.authPortal) {
            location.href = this.status.authPortal;
            return;
        }
        this.showLogin();
    }

    /** ./.status of this page's group: {status}, {missing: true} (404) or {failure: text}. */
    async readStatus() {
        let response;
        try {
            response = await fetch(".status", { cache: "no-store" });
        } catch {
            return { failure: "Cannot reach the server." };
        }
        if (response.status === 404) return { missing: true };
        if (!response.ok) return { failure: `The server said ${response.status} ${response.statusText}`.trim() };
        try {
            return { status: await response.json() };
        } catch {
            return { failure: "The server's status could not be read." };
        }
    }

    /** The group is an alias of another: go there. */
    moved(target) {
        this.unavailable(`This group has moved to ${target}.`, target, "Go there");
        location.href = target;
    }

    showTitle() {
        const title = this.status.displayName || this.group;
        $("title").textContent = title;
        document.title = `${title} — Tessera`;
        const description = $("group-description");
        description.textContent = this.status.description || "";
        description.hidden = !this.status.description;
        $("lock-state").hidden = !this.status.locked;
    }

    unavailable(text, link = null, linkText = "Continue") {
        this.login.hide();
        $("unavailable").hidden = false;
        $("unavailable-text").textContent = text;
        const anchor = $("unavailable-link");
        anchor.hidden = !link;
        if (link) {
            anchor.href = link;
            anchor.textContent = linkText;
        }
    }

    /** The way back in after leaving or a refusal. */
    showLogin(explanation = "") {
        $("unavailable").hidden = true;
        if (this.token) {
            this.login.show({ withPassword: false, explanation: explanation || "Join with your invitation." });
            return;
        }
        if (this.status?.authPortal) {
            this.unavailable(explanation || "This group uses an external login.", this.status.authPortal, "Log in");
            return;
        }
        const lockNote = this.status?.locked ? "This group is locked; only operators can join now." : "";
        this.login.show({ withPassword: true, explanation: explanation || lockNote });
    }

    // ---- Connecting and joining ----

    /** An open, handshaken connection that is not in a group: reused if there is one. */
    async connect() {
        if (this.conn && this.conn.isOpen && !this.joined) return this.conn;
        this.conn?.close();
        const conn = new Connection();
        conn.on("joined", (m) => this.onJoined(conn, m));
        conn.on("user", (m) => this.onUser(m));
        conn.on("chat", (m) => this.onChat(m));
        conn.on("chathistory", (m) => this.onChat(m));
        conn.on("usermessage", (m) => this.onUserMessage(m));
        conn.onClose((event) => this.onClosed(conn, event));
        this.media.conn = conn;
        this.media.bind(conn);
        this.conn = conn;
        this.kicked = false;
        await conn.open(endpointFor(this.status));
        return conn;
    }

    /** Sends a join and resolves with the server's verdict (joined join/fail/redirect, or closed). */
    joinWith(conn, credentials) {
        this.leaving = false;
        // Galène's rule: the change-password link is offered only to someone who typed a password.
        this.joinedWithPassword = typeof credentials.password === "string";
        return new Promise((resolve) => {
            this.pendingJoin = resolve;
            conn.join(this.group, credentials);
        });
    }

    settleJoin(result) {
        const resolve = this.pendingJoin;
        this.pendingJoin = null;
        resolve?.(result);
    }

    /**
     * Token login (URL token or invitation): probe without a username; the server asks for one
     * with need-username when the token does not carry it.
     */
    async tokenLogin(username) {
        let conn;
        try {
            conn = await this.connect();
        } catch (e) {
            notify(e.message, { kind: "error" });
            this.showLogin();
            return;
        }
        const credentials = { token: this.token };
        if (username !== undefined) credentials.username = username;
        this.credentials = credentials;
        const result = await this.joinWith(conn, credentials);
        if (result.kind === "closed") {
            this.connectionLost();
            return;
        }
        if (result.kind !== "fail") return;
        if (result.error === "need-username") {
            this.login.show({ withPassword: false, explanation: "Please choose a username." });
            return;
        }
        this.credentials = null;
        notify(describeJoinFailure(result), { kind: "error", persistent: true });
        if (result.error === "duplicate-username") {
            this.login.show({ withPassword: false, explanation: "That username is taken; please choose another." });
            return;
        }
        this.token = null;
        conn.close();
        this.showLogin(describeJoinFailure(result));
    }

    async submitLogin({ username, password }) {
        clearNotices();
        if (this.token) {
            await this.tokenLogin(username);
            return;
        }
        let conn;
        try {
            conn = await this.connect();
        } catch (e) {
            notify(e.message, { kind: "error" });
            return;
        }
        let credentials;
        try {
            credentials = await this.serverCredentials({ username, password });
        } catch (e) {
            const text = e instanceof AuthServerError ? e.message : `Login failed: ${e.message}`;
            notify(text, { kind: "error", persistent: true });
            conn.close();
            this.login.show({ withPassword: true, explanation: text });
            return;
        }
        // The typed password, not the authorisation server's short-lived token, serves re-joins.
        this.credentials = { username, password };
        const result = await this.joinWith(conn, credentials);
        if (result.kind === "closed") {
            this.connectionLost();
            return;
        }
        if (result.kind === "fail") {
            this.credentials = null;
            const text = describeJoinFailure(result);
            notify(text, { kind: "error", persistent: true });
            this.login.show({ withPassword: true, explanation: text });
        }
    }

    /**
     * What the conference server gets for kept credentials: a token as it is; a password goes to
     * the group's authorisation server, if any, and the conference server only sees it if that
     * server declines to decide (204).
     */
    async serverCredentials(kept) {
        if (kept.token || !this.status.authServer) return kept;
        const { username, password } = kept;
        const answer = await askAuthServer(this.status.authServer, { username, password, location: pageLocation() });
        return answer.token ? { username, token: answer.token } : kept;
    }

    onJoined(conn, message) {
        if (conn !== this.conn) return;
        switch (message.kind) {
            case "join":
                this.enterConference(conn, message);
                this.settleJoin(message);
                break;
            case "fail":
                this.settleJoin(message);
                if (this.joined) notify(describeJoinFailure(message), { kind: "error" });
                break;
            case "redirect":
                this.settleJoin(message);
                this.redirected(conn, message.value);
                break;
            case "change":
                this.applyJoinedState(message);
                break;
            case "leave":
                this.credentials = null;
                this.exitConference();
                this.showLogin("You left the group.");
                break;
        }
    }

    /**
     * joined kind redirect: the same group elsewhere (another node) means reconnecting through
     * .status at once; anything else (an alias group) is a page to go to.
     */
    redirected(conn, value) {
        if (typeof value !== "string" || !value) return;
        if (!sameGroupPage(value)) {
            this.reconnection.stop();
            notify(`This group has moved to ${value}`);
            conn.close();
            location.href = value;
            return;
        }
        // During a re-join the attempt under way sees the redirect in its join's result.
        if (!this.reconnection.active) this.loseConnection(conn, { immediately: true });
    }

    applyJoinedState(message) {
        // Permissions are omitted when empty, so their absence means none.
        this.permissions = message.permissions || [];
        if (message.status) {
            // The joined status lacks location and endpoint; keep those from .status.
            const { location: where, endpoint } = this.status;
            this.status = { ...message.status, location: where, endpoint };
            if (!this.status.locked) delete this.status.locked;
            this.showTitle();
        }
        if (message.rtcConfiguration) this.media.setRtcConfiguration(message.rtcConfiguration);
        $("moderation").hidden = !this.permissions.includes("op");
        this.showChangePassword();
        this.showRecording();
        this.media.setCanPresent(this.permissions.includes("present"));
        this.users.render();
    }

    showChangePassword() {
        const offered = this.joinedWithPassword && this.status.canChangePassword === true;
        const link = $("change-password-link");
        if (offered) {
            const query = new URLSearchParams({ group: this.group, username: this.conn?.username ?? "" });
            link.href = `/change-password.html?${query}`;
        }
        $("account").hidden = !offered;
    }

    enterConference(conn, message) {
        // Back from a reconnection the call view is on screen already: focus stays where it is.
        const returning = !$("conference").hidden;
        this.joined = true;
        conn.group = message.group;
        conn.username = message.username ?? "";
        this.chat.reset();
        this.panels.setUnread(0);
        this.users.clear();
        this.applyJoinedState(message);
        this.login.hide();
        $("unavailable").hidden = true;
        $("conference").hidden = false;
        $("leave").hidden = false;
        $("raise-hand").hidden = false;
        this.media.resume();
        this.sendRequest();
        this.mediaControls.listDevices();
        if (returning) return;
        if (this.panels.isShown("chat")) $("message").focus();
        else $("camera").focus();
    }

    exitConference() {
        const wasJoined = this.joined;
        this.joined = false;
        if (this.conn) {
            this.conn.group = null;
            this.conn.username = null;
        }
        this.media.closeAll();
        this.files.closeAll();
        this.users.clear();
        if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
        $("conference").hidden = true;
        $("leave").hidden = true;
        $("raise-hand").hidden = true;
        return wasJoined;
    }

    onClosed(conn, event) {
        if (conn !== this.conn) return;
        this.settleJoin({ kind: "closed" });
        if (this.reconnection.active) {
            // A re-join's own connection: the attempt goes on from its result.
            this.conn = null;
            return;
        }
        // Unexpected: not after Leave, a kick or a refusal, which all end in the login form.
        if (this.joined && !this.kicked && !this.leaving && this.credentials) {
            this.loseConnection(conn);
            return;
        }
        this.credentials = null;
        const wasJoined = this.exitConference();
        this.conn = null;
        if (this.kicked) {
            this.showLogin(this.kickedText);
        } else if (wasJoined) {
            const reason = event?.reason ? `: ${event.reason}` : "";
            notify(`Disconnected from the server${reason}`, { kind: "error", persistent: true });
            this.showLogin(`Disconnected from the server${reason}`);
        }
    }

    /**
     * The server is gone, or sent us to another node of the group: keep the call view, the
     * panels and local media as they are, and get back in with the kept credentials.
     */
    loseConnection(conn, { immediately = false } = {}) {
        const wasJoined = this.joined;
        if (this.conn === conn) this.conn = null;
        conn.close();
        if (wasJoined) {
            // A raised hand is the user's own state, like a muted microphone: the new session
            // starts without it, so it is put back once the group has taken us in again.
            this.handToRestore = !!this.users.get(conn.id)?.data.raisehand;
            this.joined = false;
            this.media.suspend();
            this.files.closeAll();
            this.users.clear();
        }
        this.reconnection.start({ immediately, announce: wasJoined });
    }

    /** One reconnection attempt (see Reconnection): .status again, its endpoint, the kept credentials. */
    async rejoin() {
        const read = await this.readStatus();
        if (!this.reconnection.active) return "stop";
        if (read.missing) {
            this.endReconnection(`There is no group called ${this.group} any more.`);
            return "stop";
        }
        if (!read.status) return "retry";
        this.status = read.status;
        if (this.status.redirect) {
            this.reconnection.stop();
            this.moved(this.status.redirect);
            return "stop";
        }
        let conn;
        try {
            conn = await this.connect();
        } catch {
            return "retry";
        }
        let credentials;
        try {
            credentials = await this.serverCredentials(this.credentials);
        } catch (e) {
            if (!(e instanceof AuthServerError) || e.unreachable) return "retry";
            this.endReconnection(e.message);
            return "stop";
        }
        if (!this.reconnection.active) return "stop";
        const result = await this.joinWith(conn, credentials);
        if (!this.reconnection.active) return "stop";
        switch (result.kind) {
            case "join":
                if (this.handToRestore) this.setRaisedHand(true);
                this.handToRestore = false;
                return "joined";
            case "redirect":
                if (this.conn === conn) this.conn = null;
                conn.close();
                return "redirected";
            case "fail":
                this.endReconnection(describeJoinFailure(result));
                return "stop";
            default:
                return "retry";
        }
    }

    /** No more reconnecting (refused, or the user stopped it): back to the login form, saying why. */
    endReconnection(text, kind = "error") {
        this.reconnection.stop();
        this.settleJoin({ kind: "closed" });
        const conn = this.conn;
        this.conn = null;
        conn?.close();
        this.credentials = null;
        this.exitConference();
        notify(text, { kind, persistent: kind === "error" });
        this.showLogin(text);
    }

    /** The connection ended while a join was pending. */
    connectionLost() {
        if (this.kicked) return;
        const text = "The connection to the server was lost; please try again.";
        notify(text, { kind: "error" });
        this.showLogin(text);
    }

    leave() {
        if (this.reconnection.active) {
            this.endReconnection("You left the group.", "info");
            return;
        }
        if (!this.conn || !this.joined) return;
        this.leaving = true;
        this.credentials = null;
        this.conn.leave();
    }

    // ---- Messages ----

    onUser(message) {
        const wasRecording = this.recording();
        this.users.handle(message);
        if (this.recording() !== wasRecording) {
            this.chat.addSystem(wasRecording ? "Recording stopped" : "This group is being recorded");
            this.showRecording();
        }
        if (message.kind === "delete") {
            this.chat.userGone(message.id);
            this.files.userGone(message.id);
        }
        if (message.id === this.conn?.id) {
            const raised = !!this.users.get(message.id)?.data.raisehand;
            setPressed($("raise-hand"), raised);
        }
    }

    onChat(message) {
        this.chat.add(message, { ownId: this.conn?.id, nameOf: (id) => this.nameOf(id) });
        if (message.type === "chat" && message.source !== this.conn?.id) this.panels.messageArrived();
    }

    /** A recorder pseudo-member (username RECORDING, permission system) is present while the group is recorded. */
    recording() {
        for (const user of this.users.users.values())
            if (user.username === "RECORDING" && user.permissions.includes("system")) return true;
        return false;
    }

    showRecording() {
        const on = this.recording();
        $("recording-state").hidden = !on;
        const canRecord = (this.permissions || []).includes("record");
        $("record").hidden = !canRecord || on;
        $("unrecord").hidden = !canRecord || !on;
    }

    nameOf(id) {
        const user = this.users.get(id);
        return user ? (user.username || "(anonymous)") : "someone who left";
    }

    onUserMessage(message) {
        if (serverKinds.has(message.kind) && !message.privileged) return;
        const text = typeof message.value === "string" ? message.value : "";
        switch (message.kind) {
            case "error":
                notify(text || "error", { kind: "error" });
                break;
            case "warning":
                notify(text, { kind: "warning" });
                break;
            case "info":
                notify(text);
                break;
            case "kicked": {
                this.kicked = true;
                const by = message.username ? ` by ${message.username}` : "";
                this.kickedText = `You were kicked out${by}: ${text || "no reason given"}`;
                notify(this.kickedText, { kind: "error", persistent: true });
                break;
            }
            case "mute":
                this.media.setMuted(true);
                notify("An operator muted your microphone", { kind: "warning" });
                break;
            case "clearchat":
                this.chat.clear(message.value);
                break;
            case "token":
                if (message.error || !message.value || typeof message.value !== "object") {
                    notify(`Could not create the invitation: ${text || message.error}`, { kind: "error" });
                } else {
                    this.showInvitation(message.value);
                }
                break;
            case "tokenlist":
                for (const token of Array.isArray(message.value) ? message.value : []) {
                    this.chat.addSystem(`Invitation ${token.token}${token.username ? ` for ${token.username}` : ""}, expires ${token.expires}`);
                }
                break;
            case "userinfo":
                if (message.value && typeof message.value === "object") {
                    const info = message.value;
                    this.chat.addSystem(`${info.username || info.id}: ${info.address || "address unknown"}`);
                }
                break;
            case "filetransfer":
                this.files.handle(message);
                break;
            default:
                // Relayed user messages of kinds this client does not support.
                break;
        }
    }

    showInvitation(token) {
        const base = this.status.location || pageLocation();
        const link = `${base}?token=${encodeURIComponent(token.token)}`;
        const who = token.username ? ` for ${token.username}` : "";
        const until = token.expires ? `, valid until ${new Date(token.expires).toLocaleString()}` : "";
        this.chat.addSystem(`Invitation${who}${until}: `, invitationElement(link));
    }

    // ---- Actions used by menus, buttons and slash commands ----

    sendChat(text, kind, target) {
        const message = { type: "chat", kind, value: text };
        if (target) message.dest = target.id;
        if (!this.conn?.send(message)) {
            notify("Not connected", { kind: "error" });
            return;
        }
        // Private messages are not echoed back by the server; show our copy.
        if (target) {
            this.onChat({ ...message, source: this.conn.id, username: this.conn.username,
                time: new Date().toISOString() });
        }
    }

    groupAction(kind, value) {
        const message = { type: "groupaction", kind };
        if (value !== undefined) message.value = value;
        this.conn?.send(message);
    }

    userAction(kind, user, value) {
        if (kind === "mute") {
            // Asks the member's client to mute its microphone (protocol.md §6).
            this.conn?.send({ type: "usermessage", kind: "mute", dest: user.id });
            return;
        }
        const message = { type: "useraction", kind, dest: user.id };
        if (value !== undefined) message.value = value;
        this.conn?.send(message);
    }

    setRaisedHand(raised) {
        if (!this.conn) return;
        this.conn.send({ type: "useraction", kind: "setdata", dest: this.conn.id,
            value: { raisehand: raised ? true : null } });
    }

    invite(username, expiresMs) {
        const value = {
            group: this.group,
            permissions: this.permissions.filter((p) => p === "present" || p === "message"),
            expires: expiresMs,
        };
        if (username) value.username = username;
        this.groupAction("maketoken", value);
    }

    commandError(text) {
        notify(text, { kind: "warning" });
    }

    sendRequest() {
        this.conn?.send({ type: "request", request: this.mediaControls.request() });
    }
}

const page = new GroupPage();
page.start();
