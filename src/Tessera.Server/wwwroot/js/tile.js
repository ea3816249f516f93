// One video tile: a <figure> with the <video>, a caption naming who it shows, a connection
// quality badge, and (for what others send) its own controls: listen muted, volume, pin, full
// screen and picture-in-picture. The controls are real buttons and a labelled slider; they show
// on hover or keyboard focus, and always on touch screens.

import { icon } from "./icons.js";
import { setPressed } from "./toolbar.js";

/** The tile's own small icon button, named for the person it acts on. */
function tileButton(iconName, name, onClick) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "tile-button";
    button.setAttribute("aria-label", name);
    button.title = name;
    button.append(icon(iconName));
    button.addEventListener("click", (event) => {
        event.stopPropagation();
        onClick(button);
    });
    return button;
}

export class Tile {
    /**
     * container: the tile list; caption: who it shows. local: one's own media (mirrored,
     * silent); screen: a screen share; onPin(tile or null): asks the stage to focus this tile.
     */
    constructor(container, caption, { local = false, screen = false, onPin = null } = {}) {
        this.local = local;
        this.figure = document.createElement("figure");
        this.figure.className = "tile";
        if (local) this.figure.classList.add("tile-local");
        if (local && !screen) this.figure.classList.add("tile-self");
        if (screen) this.figure.classList.add("tile-screen");
        this.figure.setAttribute("role", "listitem");
        this.video = document.createElement("video");
        this.video.autoplay = true;
        this.video.playsInline = true;
        if (local) this.video.muted = true;
        this.placeholder = document.createElement("div");
        this.placeholder.className = "tile-audio-only";
        this.placeholder.setAttribute("aria-hidden", "true");
        this.caption = document.createElement("figcaption");
        this.figure.append(this.video, this.placeholder, this.caption);
        if (!local) {
            this.quality = document.createElement("span");
            this.quality.className = "tile-quality";
            this.quality.setAttribute("role", "img");
            this.quality.hidden = true;
            this.figure.append(this.quality, this.buildControls(onPin));
        }
        this.setCaption(caption);
        container.append(this.figure);
    }

    buildControls(onPin) {
        const controls = document.createElement("div");
        controls.className = "tile-controls";
        controls.setAttribute("role", "group");
        this.muteButton = tileButton("speaker", "Listen muted", (button) => {
            this.video.muted = !this.video.muted;
            setPressed(button, this.video.muted);
            button.replaceChildren(icon(this.video.muted ? "mute" : "speaker"));
        });
        this.muteButton.setAttribute("aria-pressed", "false");
        this.volume = document.createElement("input");
        this.volume.type = "range";
        this.volume.min = "0";
        this.volume.max = "100";
        this.volume.value = "100";
        this.volume.className = "tile-volume";
        this.volume.addEventListener("input", () => { this.video.volume = Number(this.volume.value) / 100; });
        this.volume.addEventListener("click", (event) => event.stopPropagation());
        this.pinButton = tileButton("pin", "Pin", (button) => {
            const pin = button.getAttribute("aria-pressed") !== "true";
            onPin?.(pin ? this : null);
        });
        this.pinButton.setAttribute("aria-pressed", "false");
        this.fullscreenButton = tileButton("fullscreen", "Full screen", () => this.toggleFullscreen());
        this.fullscreenButton.setAttribute("aria-pressed", "false");
        this.figure.addEventListener("fullscreenchange", () => {
            setPressed(this.fullscreenButton, document.fullscreenElement === this.figure);
        });
        controls.append(this.muteButton, this.volume, this.pinButton, this.fullscreenButton);
        if (document.pictureInPictureEnabled && !this.video.disablePictureInPicture) {
            this.pipButton = tileButton("pip", "Picture in picture", () => this.togglePictureInPicture());
            this.pipButton.setAttribute("aria-pressed", "false");
            this.video.addEventListener("enterpictureinpicture", () => setPressed(this.pipButton, true));
            this.video.addEventListener("leavepictureinpicture", () => setPressed(this.pipButton, false));
            controls.append(this.pipButton);
        }
        this.controls = controls;
        return controls;
    }

    setCaption(text) {
        this.caption.textContent = text;
        this.placeholder.textContent = text.slice(0, 1).toUpperCase() || "?";
        this.figure.setAttribute("aria-label", text + (this.figure.classList.contains("audio-only") ? " (audio only)" : ""));
        if (this.controls) {
            this.controls.setAttribute("aria-label", `Controls for ${text}`);
            const name = (button, what) => {
                button.setAttribute("aria-label", `${what} ${text}`);
                button.title = `${what} ${text}`;
            };
            name(this.muteButton, "Listen muted to");
            this.volume.setAttribute("aria-label", `Volume of ${text}`);
            name(this.pinButton, "Pin");
            name(this.fullscreenButton, "Full screen:");
            if (this.pipButton) name(this.pipButton, "Picture in picture:");
        }
    }

    /** Shows whether the stage has this tile pinned. */
    setPinned(pinned) {
        if (this.pinButton) setPressed(this.pinButton, pinned);
    }

    show(stream) {
        if (this.video.srcObject !== stream) this.video.srcObject = stream;
        this.refresh();
        this.video.play().catch(() => {
            // Autoplay with sound needs a gesture; a click on the tile starts it.
            this.figure.classList.add("tile-needs-click");
            this.figure.addEventListener("click", () => {
                this.figure.classList.remove("tile-needs-click");
                this.video.play().catch(() => {});
            }, { once: true });
        });
    }

    /** Marks the tile audio-only when its stream has no live video track. */
    refresh() {
        const stream = this.video.srcObject;
        // A received track stays muted until media flows, and is muted again when the server
        // stops forwarding it (e.g. after a request for audio only).
        const hasVideo = !!stream && stream.getVideoTracks().some((t) => t.readyState === "live" && !t.muted);
        this.figure.classList.toggle("audio-only", !hasVideo);
        const suffix = hasVideo ? "" : " (audio only)";
        this.figure.setAttribute("aria-label", this.caption.textContent + suffix);
    }

    /** Shows the connection quality: {level: 1–3, text} or null to hide it. */
    setQuality(quality) {
        if (!this.quality) return;
        this.quality.hidden = !quality;
        if (!quality) return;
        this.quality.dataset.level = String(quality.level);
        this.quality.setAttribute("aria-label", quality.text);
        this.quality.title = quality.text;
        if (!this.quality.firstChild) {
            for (let i = 1; i <= 3; i++) {
                const bar = document.createElement("span");
                bar.className = `tile-quality-bar tile-quality-bar-${i}`;
                this.quality.append(bar);
            }
        }
    }

    async toggleFullscreen() {
        try {
            if (document.fullscreenElement === this.figure) await document.exitFullscreen();
            else await this.figure.requestFullscreen();
        } catch {
            // Refused (no user gesture, or not allowed in this frame): the button stays as it was.
        }
    }

    async togglePictureInPicture() {
        try {
            if (document.pictureInPictureElement === this.video) await document.exitPictureInPicture();
            else await this.video.requestPictureInPicture();
        } catch {
            // The video has no frames yet, or the browser refused.
        }
    }

    remove() {
        if (document.pictureInPictureElement === this.video) document.exitPictureInPicture().catch(() => {});
        this.video.srcObject = null;
        this.figure.remove();
    }
}
