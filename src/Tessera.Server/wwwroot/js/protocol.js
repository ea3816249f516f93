// The WebSocket connection to the conference server (protocol version "2"): handshake,
// keep-alive, envelope stamping and dispatch of incoming messages by type.

const pingAfterSilenceMs = 15000;
const giveUpAfterSilenceMs = 65000;
const handshakeTimeoutMs = 10000;
const keepAliveTickMs = 5000;

/** 32 random hex digits, the form of client id the server expects. */
export function newClientId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The WebSocket URL: the group's advertised endpoint, else /ws on this host. */
export function endpointFor(status) {
    if (status && typeof status.endpoint === "string" && status.endpoint) return status.endpoint;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}/ws`;
}

export class Connection {
    constructor() {
        this.id = newClientId();
        /** Username assigned by the server in joined/join; null until joined. */
        this.username = null;
        this.group = null;
        this.handlers = new Map();
        this.closeHandlers = [];
        this.socket = null;
        this.lastReceived = 0;
        this.timer = null;
        this.closed = false;
    }

    /** Registers a handler for one message type; several handlers per type are allowed. */
    on(type, handler) {
        if (!this.handlers.has(type)) this.handlers.set(type, []);
        this.handlers.get(type).push(handler);
    }

    /** Called once with the CloseEvent (or a synthetic {code, reason}) when the connection ends. */
    onClose(handler) {
        this.closeHandlers.push(handler);
    }

    /** Opens the socket and resolves once the server's handshake (offering version 2) arrived. */
    open(url) {
        return new Promise((resolve, reject) => {
            let handshaken = false;
            const socket = new WebSocket(url);
            this.socket = socket;
            const handshakeTimer = setTimeout(() => {
                if (!handshaken) {
                    reject(new Error("the server did not answer the handshake"));
                    this.close();
                }
            }, handshakeTimeoutMs);
            socket.onopen = () => {
                this.lastReceived = Date.now();
                this.sendRaw({ type: "handshake", version: ["2"], id: this.id });
            };
            socket.onerror = () => {
                if (!handshaken) {
                    clearTimeout(handshakeTimer);
                    reject(new Error("could not connect to the server"));
                }
            };
            socket.onclose = (event) => {
                clearTimeout(handshakeTimer);
                this.stopKeepAlive();
                if (!handshaken) reject(new Error(event.reason || "the connection closed"));
                this.finish(event);
            };
            socket.onmessage = (event) => {
                this.lastReceived = Date.now();
                let message;
                try {
                    message = JSON.parse(event.data);
                } catch {
                    this.close();
                    return;
                }
                if (!message || typeof message !== "object" || typeof message.type !== "string") return;
                if (!handshaken) {
                    // Anything before the server's handshake, or a server without version 2, is fatal.
                    clearTimeout(handshakeTimer);
                    if (message.type !== "handshake" || !Array.isArray(message.version) || !message.version.includes("2")) {
                        reject(new Error("the server speaks an unknown protocol version"));
                        this.close();
                        return;
                    }
                    handshaken = true;
                    this.startKeepAlive();
                    resolve();
                    return;
                }
                this.dispatch(message);
            };
        });
    }

    dispatch(message) {
        if (message.type === "ping") {
            this.sendRaw({ type: "pong" });
            return;
        }
        const handlers = this.handlers.get(message.type);
        if (!handlers) return;
        for (const handler of handlers) {
            try {
                handler(message);
            } catch (e) {
                console.error(`handler for ${message.type} failed`, e);
            }
        }
    }

    startKeepAlive() {
        this.timer = setInterval(() => {
            const silence = Date.now() - this.lastReceived;
            if (silence > giveUpAfterSilenceMs) {
                this.close();
            } else if (silence > pingAfterSilenceMs) {
                this.sendRaw({ type: "ping" });
            }
        }, keepAliveTickMs);
    }

    stopKeepAlive() {
        if (this.timer) clearInterval(this.timer);
        this.timer = null;
    }

    get isOpen() {
        return this.socket && this.socket.readyState === WebSocket.OPEN;
    }

    sendRaw(message) {
        if (!this.isOpen) return false;
        this.socket.send(JSON.stringify(message));
        return true;
    }

    /**
     * Sends a message stamped with our client id, and with our username once joined (the server
     * relays chat as sent, so the stamp is what the others see).
     */
    send(message) {
        const stamped = { ...message, source: this.id };
        if (this.username !== null && stamped.type !== "join") stamped.username = this.username;
        return this.sendRaw(stamped);
    }

    join(group, credentials) {
        const message = { type: "join", kind: "join", group, data: {} };
        if (credentials.username !== undefined) message.username = credentials.username;
        if (credentials.token) message.token = credentials.token;
        else if (credentials.password !== undefined) message.password = credentials.password;
        return this.send(message);
    }

    leave() {
        if (this.group) this.send({ type: "join", kind: "leave", group: this.group });
    }

    close() {
        this.stopKeepAlive();
        if (this.socket && this.socket.readyState <= WebSocket.OPEN) this.socket.close(1000);
    }

    finish(event) {
        if (this.closed) return;
        this.closed = true;
        for (const handler of this.closeHandlers) {
            try {
                handler(event);
            } catch (e) {
                console.error("close handler failed", e);
            }
        }
    }
}
