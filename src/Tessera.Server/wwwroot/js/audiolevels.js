// Sound levels of audio tracks through one Web Audio context: the microphone meter in the
// media settings and the active-speaker ring on tiles. Analysers only listen; nothing is played
// through the context, so levels never change what anyone hears.

export class AudioLevels {
    constructor() {
        this.context = null;
        this.watched = new Map(); // key → {track, source, analyser, samples}
        // Browsers start an audio context suspended until the page is used; any click resumes it.
        document.addEventListener("click", () => this.context?.resume().catch(() => {}), { capture: true });
    }

    ensureContext() {
        if (!this.context) {
            const Context = window.AudioContext || window.webkitAudioContext;
            if (!Context) return null;
            this.context = new Context();
        }
        if (this.context.state === "suspended") this.context.resume().catch(() => {});
        return this.context;
    }

    /** Follows the first audio track of `stream` under `key` (replacing what was followed). */
    watch(key, stream) {
        const track = stream?.getAudioTracks().find((t) => t.readyState === "live") || null;
        const current = this.watched.get(key);
        if (current?.track === track) return;
        this.unwatch(key);
        if (!track) return;
        const context = this.ensureContext();
        if (!context) return;
        const source = context.createMediaStreamSource(new MediaStream([track]));
        const analyser = context.createAnalyser();
        analyser.fftSize = 512;
        source.connect(analyser);
        this.watched.set(key, { track, source, analyser, samples: new Float32Array(analyser.fftSize) });
    }

    unwatch(key) {
        const current = this.watched.get(key);
        if (!current) return;
        current.source.disconnect();
        this.watched.delete(key);
    }

    /** The root-mean-square level (0–1) of the followed track now, or 0. */
    level(key) {
        const current = this.watched.get(key);
        if (!current || current.track.readyState !== "live" || !current.track.enabled) return 0;
        current.analyser.getFloatTimeDomainData(current.samples);
        let sum = 0;
        for (const sample of current.samples) sum += sample * sample;
        return Math.sqrt(sum / current.samples.length);
    }
}

/**
 * Rings the tile of whoever speaks loudest (above a floor), re-evaluated a few times a second
 * and held a moment so the ring does not flicker between two people talking over each other.
 */
export class ActiveSpeaker {
    /** levels: AudioLevels; tiles(): [{key ("tile:…"), stream, figure}] of the tiles that may speak. */
    constructor(levels, tiles) {
        this.levels = levels;
        this.tiles = tiles;
        this.current = null;
        this.heldUntil = 0;
        setInterval(() => this.update(), 250);
    }

    update() {
        const tiles = this.tiles();
        const keys = new Set(tiles.map((t) => t.key));
        for (const key of [...this.levels.watched.keys()]) {
            if (key.startsWith("tile:") && !keys.has(key)) this.levels.unwatch(key);
        }
        let loudest = null;
        let loudestLevel = 0.01;
        for (const tile of tiles) {
            this.levels.watch(tile.key, tile.stream);
            const level = this.levels.level(tile.key);
            if (level > loudestLevel) {
                loudest = tile;
                loudestLevel = level;
            }
        }
        const now = performance.now();
        if (loudest) this.heldUntil = now + 1000;
        const speaking = loudest?.figure || (now < this.heldUntil ? this.current : null);
        if (speaking === this.current && (!speaking || speaking.isConnected)) return;
        this.current?.classList.remove("speaking");
        this.current = speaking && speaking.isConnected ? speaking : null;
        this.current?.classList.add("speaking");
    }
}
