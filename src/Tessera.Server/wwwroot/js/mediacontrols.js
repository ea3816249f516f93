// The media toolbar and settings: camera, microphone, mute and screen-share toggles (real
// buttons with aria-pressed and constant names), capture-device choice and what to receive.

import { receivePresets } from "./media.js";

export class MediaControls {
    /**
     * media: the MediaManager; el: {camera, microphone, mute, screenshare, cameraDevice,
     * microphoneDevice, receive, presentNote}; onReceiveChange(request) sends a `request`.
     */
    constructor(media, el, onReceiveChange) {
        this.media = media;
        this.el = el;
        el.camera.addEventListener("click", () => media.setCamera(!media.videoTrack));
        el.microphone.addEventListener("click", () => media.setMicrophone(!media.audioTrack));
        el.mute.addEventListener("click", () => media.setMuted(!media.muted));
        el.screenshare.addEventListener("click", () => media.setScreenShare(!media.screenStream));
        el.cameraDevice.addEventListener("change", (e) => media.setDevice("video", e.target.value));
        el.microphoneDevice.addEventListener("change", (e) => media.setDevice("audio", e.target.value));
        el.receive.addEventListener("change", () => onReceiveChange(this.request()));
        navigator.mediaDevices?.addEventListener?.("devicechange", () => this.listDevices());
    }

    /** The `request` map for the chosen receive preset (everything by default). */
    request() {
        return receivePresets[this.el.receive.value] || receivePresets.everything;
    }

    /** Brings the buttons in line with the media state. */
    render() {
        const media = this.media;
        const press = (button, on) => button.setAttribute("aria-pressed", String(on));
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
