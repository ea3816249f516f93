// Media streams (protocol.md §12): one RTCPeerConnection per stream and direction. Down streams
// are offered by the server and answered here; up streams (camera + microphone, screen share)
// are offered here and answered by the server. Video tiles show what is sent and received.

import { newClientId } from "./protocol.js";
import { Tile } from "./tile.js";
import { BackgroundEffect } from "./background.js";

/** What to receive, as `request` maps (protocol.md §12.4). */
export const receivePresets = {
    everything: { "": ["audio", "video"] },
    "low-video": { "": ["audio", "video-low"] },
    "screenshare-only": { screenshare: ["audio", "video"], "": ["audio"] },
    "audio-only": { "": ["audio"] },
    nothing: { "": [] },
};

/** Serialises asynchronous work on one stream so SDP steps never interleave. */
function chain(stream, work) {
    stream.queue = (stream.queue || Promise.resolve()).then(work, work);
    return stream.queue;
}

async function addCandidates(stream) {
    const pending = stream.pendingCandidates;
    stream.pendingCandidates = [];
    for (const candidate of pending) {
        try {
            await stream.pc.addIceCandidate(candidate);
        } catch (e) {
            console.warn("ICE candidate refused", e);
        }
    }
}

export class MediaManager {
    /**
     * conn: the Connection; tiles: the tile container; notify(text, options); onLocalChange():
     * called when local media state changes (buttons follow it).
     */
    constructor(conn, tiles, notify, onLocalChange) {
        this.conn = conn;
        this.tiles = tiles;
        this.notify = notify;
        this.onLocalChange = onLocalChange;
        this.rtcConfiguration = {};
        this.down = new Map();
        this.up = new Map();
        this.audioTrack = null;
        this.videoTrack = null;
        this.screenStream = null;
        this.muted = false;
        this.cameraDevice = "";
        this.microphoneDevice = "";
        this.localTile = null;
        this.screenTile = null;
        this.canPresent = false;
        // The background effect on the camera ("none", "blur", "color") and what runs it.
        this.background = "none";
        this.effect = null;
        this.effectTrack = null;
        // Set by the page: asks the stage to focus a tile (or none).
        this.onPin = null;
        // The connection was lost: capture goes on, nothing is offered until resume().
        this.suspended = false;
    }

    newTile(caption, options = {}) {
        return new Tile(this.tiles, caption, { ...options, onPin: (tile) => this.onPin?.(tile) });
    }

    /** The remote tile, peer connection and label of every down stream (for quality and levels). */
    downStreams() {
        return [...this.down.values()];
    }

    bind(conn) {
        conn.on("offer", (m) => this.handleOffer(m));
        conn.on("answer", (m) => this.handleAnswer(m));
        conn.on("ice", (m) => this.handleIce(m));
        conn.on("close", (m) => this.closeDown(m.id));
        conn.on("abort", (m) => this.handleAbort(m));
        conn.on("renegotiate", (m) => this.handleRenegotiate(m));
    }

    setRtcConfiguration(configuration) {
        this.rtcConfiguration = configuration || {};
    }

    newPeerConnection() {
        return new RTCPeerConnection(this.rtcConfiguration);
    }

    // ---- Down streams ----

    handleOffer(message) {
        if (!message.id || typeof message.sdp !== "string") return;
        if (this.up.has(message.id) || [...this.up.values()].some((u) => u.id === message.id)) return;
        let stream = this.down.get(message.id);
        if (!stream) {
            if (message.replace) this.closeDown(message.replace);
            stream = this.createDown(message);
        }
        stream.username = message.username || "";
        stream.label = message.label || "";
        stream.tile.figure.classList.toggle("tile-screen", stream.label === "screenshare");
        stream.tile.setCaption(this.captionFor(stream));
        return chain(stream, async () => {
            if (stream.closed) return;
            try {
                await stream.pc.setRemoteDescription({ type: "offer", sdp: message.sdp });
                await addCandidates(stream);
                const answer = await stream.pc.createAnswer();
                await stream.pc.setLocalDescription(answer);
                this.conn.send({ type: "answer", id: stream.id, sdp: stream.pc.localDescription.sdp });
            } catch (e) {
                this.notify(`Could not receive a stream from ${stream.username || "a user"}: ${e.message}`,
                    { kind: "warning" });
                this.conn.send({ type: "abort", id: stream.id });
                this.closeDown(stream.id);
            }
        });
    }

    captionFor(stream) {
        const who = stream.username || "(anonymous)";
        return stream.label === "screenshare" ? `${who} (screen)` : who;
    }

    createDown(message) {
        const pc = this.newPeerConnection();
        const stream = {
            id: message.id,
            pc,
            pendingCandidates: [],
            media: new MediaStream(),
            tile: this.newTile(message.username || "(anonymous)", { screen: message.label === "screenshare" }),
            closed: false,
        };
        pc.onicecandidate = (event) => {
            if (event.candidate) this.conn.send({ type: "ice", id: stream.id, candidate: event.candidate.toJSON() });
        };
        pc.ontrack = (event) => {
            const track = event.track;
            if (!stream.media.getTracks().includes(track)) stream.media.addTrack(track);
            track.addEventListener("ended", () => {
                stream.media.removeTrack(track);
                stream.tile.refresh();
            });
            track.addEventListener("unmute", () => stream.tile.refresh());
            track.addEventListener("mute", () => stream.tile.refresh());
            stream.tile.show(stream.media);
        };
        pc.oniceconnectionstatechange = () => {
            // Ask the server for an ICE restart (protocol.md §12.8).
            if (pc.iceConnectionState === "failed") this.conn.send({ type: "renegotiate", id: stream.id });
        };
        this.down.set(stream.id, stream);
        stream.tile.show(stream.media);
        return stream;
    }

    closeDown(id) {
        const stream = this.down.get(id);
        if (!stream) return; // close for an unknown id is normal (protocol.md §12.2)
        stream.closed = true;
        this.down.delete(id);
        stream.pc.close();
        stream.tile.remove();
    }

    /** Declines one down stream (protocol.md §12.9). */
    abortDown(id) {
        if (!this.down.has(id)) return;
        this.conn.send({ type: "abort", id });
        this.closeDown(id);
    }

    // ---- Up streams ----

    upById(id) {
        for (const stream of this.up.values()) if (stream.id === id) return stream;
        return null;
    }

    handleAnswer(message) {
        const stream = this.upById(message.id);
        if (!stream || typeof message.sdp !== "string") return;
        return chain(stream, async () => {
            if (stream.closed) return;
            try {
                await stream.pc.setRemoteDescription({ type: "answer", sdp: message.sdp });
                await addCandidates(stream);
            } catch (e) {
                this.notify(`The server's answer could not be used: ${e.message}`, { kind: "error" });
                this.unpublish(stream.label);
            }
        });
    }

    handleIce(message) {
        const stream = this.down.get(message.id) || this.upById(message.id);
        if (!stream || !message.candidate) return;
        if (!stream.pc.remoteDescription) {
            stream.pendingCandidates.push(message.candidate);
            return;
        }
        stream.pc.addIceCandidate(message.candidate).catch((e) => console.warn("ICE candidate refused", e));
    }

    handleAbort(message) {
        const stream = this.upById(message.id);
        if (!stream) return;
        this.notify(stream.label === "screenshare"
            ? "The server stopped your screen share" : "The server stopped your camera and microphone",
        { kind: "warning" });
        this.stopLocal(stream.label);
    }

    handleRenegotiate(message) {
        const stream = this.upById(message.id);
        if (!stream) return;
        return chain(stream, async () => {
            if (stream.closed) return;
            const offer = await stream.pc.createOffer({ iceRestart: true });
            await stream.pc.setLocalDescription(offer);
            this.conn.send({ type: "offer", kind: "renegotiate", id: stream.id, label: stream.label,
                sdp: stream.pc.localDescription.sdp });
        });
    }

    /**
     * Publishes (or republishes) the tracks of one label. A new stream replaces the old one
     * (protocol.md §12.7) so receivers swap without a gap.
     */
    async publish(label, media) {
        if (this.suspended) return;
        const old = this.up.get(label);
        const pc = this.newPeerConnection();
        const stream = { id: newClientId(), label, pc, media, pendingCandidates: [], closed: false };
        pc.onicecandidate = (event) => {
            if (event.candidate) this.conn.send({ type: "ice", id: stream.id, candidate: event.candidate.toJSON() });
        };
        pc.oniceconnectionstatechange = () => {
            if (pc.iceConnectionState === "failed") this.handleRenegotiate({ id: stream.id });
        };
        for (const track of media.getTracks()) {
            const init = { direction: "sendonly", streams: [media] };
            // Camera video goes out in two qualities (RIDs h and l, protocol.md §12.5) so the
            // server can give the low one to receivers that ask for it or cannot take more.
            if (label === "camera" && track.kind === "video") {
                init.sendEncodings = [
                    { rid: "h" },
                    { rid: "l", scaleResolutionDownBy: 2, maxBitrate: 100000 },
                ];
            }
            pc.addTransceiver(track, init);
        }
        this.up.set(label, stream);
        if (old) {
            old.closed = true;
            old.pc.close();
        }
        await chain(stream, async () => {
            const offer = await pc.createOffer();
            await pc.setLocalDescription(offer);
            const message = { type: "offer", id: stream.id, label, sdp: pc.localDescription.sdp };
            if (old) message.replace = old.id;
            this.conn.send(message);
        });
    }

    /** Stops sending one label: tells the server and closes the peer connection. */
    unpublish(label) {
        const stream = this.up.get(label);
        if (!stream) return;
        stream.closed = true;
        this.up.delete(label);
        this.conn.send({ type: "close", id: stream.id });
        stream.pc.close();
    }

    // ---- Local media ----

    cameraMedia() {
        const tracks = [this.audioTrack, this.effectTrack || this.videoTrack].filter(Boolean);
        return tracks.length ? new MediaStream(tracks) : null;
    }

    /** Republishes camera/microphone after a change and refreshes the local preview. */
    async updateCamera() {
        const media = this.cameraMedia();
        if (!media) {
            this.unpublish("camera");
            this.localTile?.remove();
            this.localTile = null;
        } else {
            if (!this.localTile) this.localTile = this.newTile("You", { local: true });
            this.localTile.show(media);
            if (this.canPresent) await this.publish("camera", media);
        }
        this.onLocalChange();
    }

    /** Chooses the camera's background; applied at once if the camera is on. */
    async setBackground(mode) {
        this.background = mode;
        if (!this.videoTrack) return;
        await this.applyEffect();
        await this.updateCamera();
    }

    /** (Re)starts the background effect on the current camera track, or stops it. */
    async applyEffect() {
        this.effect?.stop();
        this.effect = null;
        this.effectTrack = null;
        if (this.background === "none" || !this.videoTrack) return;
        const effect = new BackgroundEffect(this.background, {
            onSlow: () => this.notify("The background effect is slow on this computer and makes your video jerky; "
                + "choose “As it is” in Media settings for smooth video.", { kind: "warning" }),
        });
        try {
            this.effectTrack = await effect.start(this.videoTrack);
            this.effect = effect;
        } catch (e) {
            effect.stop();
            this.notify(`The background effect is not available: ${e.message}`, { kind: "warning" });
        }
    }

    async acquire(kind) {
        const device = kind === "video" ? this.cameraDevice : this.microphoneDevice;
        let media;
        try {
            media = await navigator.mediaDevices.getUserMedia({ [kind]: device ? { deviceId: { exact: device } } : true });
        } catch (e) {
            // A chosen (or remembered) device that is gone: the default one will do.
            if (!device || !["OverconstrainedError", "NotFoundError"].includes(e.name)) throw e;
            media = await navigator.mediaDevices.getUserMedia({ [kind]: true });
        }
        return kind === "video" ? media.getVideoTracks()[0] : media.getAudioTracks()[0];
    }

    async setCamera(on) {
        if (on === !!this.videoTrack) return;
        if (on) {
            try {
                this.videoTrack = await this.acquire("video");
            } catch (e) {
                this.notify(`Cannot use the camera: ${e.message}`, { kind: "error" });
                this.onLocalChange();
                return;
            }
        } else {
            this.videoTrack.stop();
            this.videoTrack = null;
        }
        await this.applyEffect();
        await this.updateCamera();
    }

    async setMicrophone(on) {
        if (on === !!this.audioTrack) return;
        if (on) {
            try {
                this.audioTrack = await this.acquire("audio");
                this.audioTrack.enabled = !this.muted;
            } catch (e) {
                this.notify(`Cannot use the microphone: ${e.message}`, { kind: "error" });
                this.onLocalChange();
                return;
            }
        } else {
            this.audioTrack.stop();
            this.audioTrack = null;
        }
        await this.updateCamera();
    }

    /** Mutes without renegotiating: the track keeps flowing as silence. */
    setMuted(muted) {
        this.muted = muted;
        if (this.audioTrack) this.audioTrack.enabled = !muted;
        this.onLocalChange();
    }

    /** Switches to another capture device, re-acquiring the track if it is in use. */
    async setDevice(kind, deviceId) {
        if (kind === "video") this.cameraDevice = deviceId;
        else this.microphoneDevice = deviceId;
        const current = kind === "video" ? this.videoTrack : this.audioTrack;
        if (!current) return;
        try {
            const track = await this.acquire(kind);
            current.stop();
            if (kind === "video") {
                this.videoTrack = track;
                await this.applyEffect();
            } else {
                track.enabled = !this.muted;
                this.audioTrack = track;
            }
            await this.updateCamera();
        } catch (e) {
            this.notify(`Cannot switch device: ${e.message}`, { kind: "error" });
        }
    }

    async setScreenShare(on) {
        if (on === !!this.screenStream) return;
        if (!on) {
            this.stopLocal("screenshare");
            return;
        }
        try {
            this.screenStream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: true });
        } catch (e) {
            this.notify(`Cannot share the screen: ${e.message}`, { kind: "error" });
            this.onLocalChange();
            return;
        }
        for (const track of this.screenStream.getTracks()) {
            track.addEventListener("ended", () => this.stopLocal("screenshare"));
        }
        this.screenTile = this.newTile("Your screen", { local: true, screen: true });
        this.screenTile.show(this.screenStream);
        if (this.canPresent) await this.publish("screenshare", this.screenStream);
        this.onLocalChange();
    }

    /** Stops local capture for a label and the stream carrying it. */
    stopLocal(label) {
        this.unpublish(label);
        if (label === "screenshare") {
            this.screenStream?.getTracks().forEach((t) => t.stop());
            this.screenStream = null;
            this.screenTile?.remove();
            this.screenTile = null;
        } else {
            this.audioTrack?.stop();
            this.videoTrack?.stop();
            this.effect?.stop();
            this.audioTrack = null;
            this.videoTrack = null;
            this.effect = null;
            this.effectTrack = null;
            this.localTile?.remove();
            this.localTile = null;
        }
        this.onLocalChange();
    }

    /** Follows the `present` permission: losing it stops publishing. */
    setCanPresent(can) {
        const had = this.canPresent;
        this.canPresent = can;
        if (had && !can) {
            this.stopLocal("camera");
            this.stopLocal("screenshare");
        } else if (!had && can) {
            // Media switched on before the permission arrived starts flowing now.
            this.publishLocal();
        }
        this.onLocalChange();
    }

    async devices() {
        try {
            return await navigator.mediaDevices.enumerateDevices();
        } catch {
            return [];
        }
    }

    /** Closes every peer connection, without a word to the server (it is gone, or we leave). */
    dropStreams() {
        for (const id of [...this.down.keys()]) this.closeDown(id);
        for (const stream of this.up.values()) {
            stream.closed = true;
            stream.pc.close();
        }
        this.up.clear();
    }

    /** The server is gone: its streams go, local capture and its tiles stay for the re-join. */
    suspend() {
        this.suspended = true;
        this.dropStreams();
    }

    /** Back in the group after suspend(): what was being sent (muted or not) is offered again. */
    resume() {
        if (!this.suspended) return;
        this.suspended = false;
        if (this.canPresent) this.publishLocal();
    }

    /** Offers whatever is captured locally: camera and microphone, screen. */
    publishLocal() {
        const media = this.cameraMedia();
        if (media) this.publish("camera", media);
        if (this.screenStream) this.publish("screenshare", this.screenStream);
    }

    /** Closes every stream and stops capture (leaving or disconnected). */
    closeAll() {
        this.suspended = false;
        this.dropStreams();
        this.stopLocal("camera");
        this.stopLocal("screenshare");
    }
}
