// Background blur or a plain background colour for one's own camera. MediaPipe's selfie
// segmentation (vendored under /vendor/selfie_segmentation, see scripts/vendor-client-deps.sh)
// finds the person in each camera frame; a canvas keeps the person sharp and blurs or paints
// over the rest, and the canvas's stream is what gets shown and sent. Nothing leaves the browser.

const base = "/vendor/selfie_segmentation/";
const blurRadius = 14;
// Above this many milliseconds per frame the video drops under about 6 frames a second.
const slowFrameMs = 160;

let loading = null;

/** Loads MediaPipe's loader script once (a classic script that defines SelfieSegmentation). */
function loadSegmenter() {
    loading ??= new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = `${base}selfie_segmentation.js`;
        script.onload = () => (window.SelfieSegmentation ? resolve(window.SelfieSegmentation)
            : reject(new Error("the segmentation script did not load")));
        script.onerror = () => reject(new Error("the segmentation script is missing"));
        document.head.append(script);
    });
    loading.catch(() => { loading = null; });
    return loading;
}

/**
 * Whether this browser can run the effect: WebAssembly with SIMD, WebGL 2 (the segmenter's
 * image path) and canvas capture.
 */
export function backgroundEffectsSupported() {
    try {
        if (typeof WebAssembly !== "object" || !HTMLCanvasElement.prototype.captureStream) return false;
        // The smallest module using a SIMD instruction (v128.const): it validates only with SIMD.
        const simd = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0,
            10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11]);
        if (!WebAssembly.validate(simd)) return false;
        return !!document.createElement("canvas").getContext("webgl2");
    } catch {
        return false;
    }
}

export class BackgroundEffect {
    /**
     * mode: "blur" or "color"; color: the CSS colour painted behind the person; onSlow(): called
     * once if frames take so long that the video stutters (a slow computer, no GPU).
     */
    constructor(mode, { color = "#3b4252", onSlow = null } = {}) {
        this.onSlow = onSlow;
        this.mode = mode;
        this.color = color;
        this.running = false;
        this.canvas = document.createElement("canvas");
        this.context = this.canvas.getContext("2d");
        this.video = document.createElement("video");
        this.video.muted = true;
        this.video.playsInline = true;
        // Time spent segmenting and drawing, for the README's CPU figure (see frameCost()).
        this.busyMs = 0;
        this.frames = 0;
    }

    /** Starts processing a camera track; resolves with the processed video track. */
    async start(track) {
        const SelfieSegmentation = await loadSegmenter();
        this.segmenter = new SelfieSegmentation({ locateFile: (file) => base + file });
        // The landscape model is the lighter one, made for video calls.
        this.segmenter.setOptions({ modelSelection: 1, selfieMode: false });
        this.segmenter.onResults((results) => this.draw(results));
        await this.segmenter.initialize();
        const settings = track.getSettings();
        this.canvas.width = settings.width || 640;
        this.canvas.height = settings.height || 480;
        this.video.srcObject = new MediaStream([track]);
        await this.video.play();
        this.running = true;
        this.output = this.canvas.captureStream(settings.frameRate || 30).getVideoTracks()[0];
        this.loop();
        return this.output;
    }

    loop() {
        if (!this.running) return;
        const next = () => this.loop();
        const step = async () => {
            if (!this.running) return;
            const started = performance.now();
            if (this.video.videoWidth && (this.video.videoWidth !== this.canvas.width || this.video.videoHeight !== this.canvas.height)) {
                this.canvas.width = this.video.videoWidth;
                this.canvas.height = this.video.videoHeight;
            }
            try {
                await this.segmenter.send({ image: this.video });
            } catch (e) {
                console.warn("background effect:", e);
            }
            this.busyMs += performance.now() - started;
            this.frames += 1;
            if (this.frames === 60 && this.frameCost() > slowFrameMs) this.onSlow?.();
            next();
        };
        // Once per camera frame where the browser says when one arrives.
        if (this.video.requestVideoFrameCallback) this.video.requestVideoFrameCallback(step);
        else setTimeout(step, 1000 / 30);
    }

    /** Person kept as is; the background blurred or painted over. */
    draw(results) {
        const ctx = this.context;
        const { width, height } = this.canvas;
        ctx.save();
        ctx.clearRect(0, 0, width, height);
        ctx.drawImage(results.segmentationMask, 0, 0, width, height);
        ctx.globalCompositeOperation = "source-in";
        ctx.drawImage(results.image, 0, 0, width, height);
        ctx.globalCompositeOperation = "destination-over";
        if (this.mode === "blur") {
            ctx.filter = `blur(${blurRadius}px)`;
            ctx.drawImage(results.image, 0, 0, width, height);
        } else {
            ctx.fillStyle = this.color;
            ctx.fillRect(0, 0, width, height);
        }
        ctx.restore();
    }

    /** Average milliseconds of work per processed frame so far. */
    frameCost() {
        return this.frames ? this.busyMs / this.frames : 0;
    }

    stop() {
        this.running = false;
        this.output?.stop();
        this.video.srcObject = null;
        this.segmenter?.close().catch?.(() => {});
        this.segmenter = null;
    }
}
