// The media toolbar and settings: camera, microphone, mute and screen-share toggles (real
// buttons with aria-pressed and constant names), capture-device choice and what to receive.

import { receivePresets } from "./media.js";
import { setPressed } from "./toolbar.js";
import { loadPreference, savePreference } from "./preferences.js";
import { backgroundEffectsSupported } from "./background.js";

export class MediaControls {
    /**
     * media: the MediaManager; el: {camera, microphone, mute, screenshare, cameraDevice,
     * microphoneDevice, receive, presentNote, settings, level, levelNote, background,
     * backgroundField}; onReceiveChange(request)
     * sends a `request`; levels: the AudioLevels that measure the microphone for the meter.
     */
    constructor(media, el, onReceiveChange, levels) {
        this.media = media;
        this.el = el;
        this.levels = levels;
        // Devices chosen before in this browser are asked for again (as a preference, so a
        // device that is gone falls back to the default instead of failing).
        const devices = loadPreference("devices", { camera: "", microphone: "" });
        media.cameraDevice = devices.camera;
        media.microphoneDevice = devices.microphone;
        // The background choice is offered only where the browser can run it.
        if (backgroundEffectsSupported()) {
            el.backgroundField.hidden = false;
            media.background = loadPreference("background", "none");
            el.background.value = media.background;
            el.background.addEventListener("change", () => {
                savePreference("background", el.background.value);
                media.setBackground(el.background.value);
            });
        }
        el.camera.addEventListener("click", () => media.setCamera(!media.videoTrack));
        el.microphone.addEventListener("click", () => media.setMicrophone(!media.audioTrack));
        el.mute.addEventListener("click", () => media.setMuted(!media.muted));
        el.screenshare.addEventListener("click", () => media.setScreenShare(!media.screenStream));
        el.cameraDevice.addEventListener("change", (e) => this.chooseDevice("video", e.target.value));
        el.microphoneDevice.addEventListener("change", (e) => this.chooseDevice("audio", e.target.value));
        new MutationObserver(() => this.meter()).observe(el.settings, { attributes: true, attributeFilter: ["hidden"] });
        el.receive.addEventListener("change", () => onReceiveChange(this.request()));
        navigator.mediaDevices?.addEventListener?.("devicechange", () => this.listDevices());
    }

    chooseDevice(kind, deviceId) {
        this.media.setDevice(kind, deviceId);
        savePreference("devices", { camera: this.media.cameraDevice, microphone: this.media.microphoneDevice });
    }

    /** Moves the microphone meter while the settings are open and the microphone is on. */
    meter() {
        const track = this.media.audioTrack;
        const running = !this.el.settings.hidden && !!track;
        this.el.levelNote.hidden = !!track;
        if (!running) {
            this.levels.unwatch("meter");
            this.el.level.value = 0;
            return;
        }
        this.levels.watch("meter", new MediaStream([track]));
        if (this.meterFrame) return;
        const step = () => {
            this.meterFrame = null;
            if (this.el.settings.hidden || this.media.audioTrack !== track) {
                this.meter();
                return;
            }
            // Speech sits far below full scale: a gain of 4 uses the meter's range.
            this.el.level.value = Math.min(1, this.levels.level("meter") * 4);
            this.meterFrame = requestAnimationFrame(step);
        };
        this.meterFrame = requestAnimationFrame(step);
    }

    /** The `request` map for the chosen receive preset (everything by default). */
    request() {
        return receivePresets[this.el.receive.value] || receivePresets.everything;
    }

    /** Brings the buttons in line with the media state. */
    render() {
        const media = this.media;
        const press = setPressed;
        press(this.el.camera, !!media.videoTrack);
        press(this.el.microphone, !!media.audioTrack);
        press(this.el.mute, media.muted);
        press(this.el.screenshare, !!media.screenStream);
        this.el.mute.disabled = !media.audioTrack;
        const can = media.canPresent;
        for (const button of [this.el.camera, this.el.microphone, this.el.screenshare]) button.disabled = !can;
        this.el.presentNote.hidden = can;
        // Device names are only readable once capture has been allowed.
        if (media.videoTrack || media.audioTrack) this.listDevices();
        this.meter();
    }

    async listDevices() {
        const devices = await this.media.devices();
        const fill = (select, kind, current) => {
            const options = [new Option("Default", "")];
            let n = 0;
            for (const device of devices) {
                if (device.kind !== kind || !device.deviceId || device.deviceId === "default") continue;
                n += 1;
                options.push(new Option(device.label || `Device ${n}`, device.deviceId));
            }
            select.replaceChildren(...options);
            select.value = current;
        };
        fill(this.el.cameraDevice, "videoinput", this.media.cameraDevice);
        fill(this.el.microphoneDevice, "audioinput", this.media.microphoneDevice);
    }
}
