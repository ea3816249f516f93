// Connection quality of each received stream, from the peer connection's statistics every two
// seconds: packet loss, bitrate and picture size since the last look. Each remote tile shows one
// to three bars, named in words for screen readers and in a tooltip.

const period = 2000;

/** The level (1 poor, 2 fair, 3 good) for a loss ratio and whether video arrives. */
export function qualityLevel(loss, videoBitrate, hasVideo) {
    if (loss >= 0.08 || (hasVideo && videoBitrate < 30_000)) return 1;
    if (loss >= 0.02 || (hasVideo && videoBitrate < 150_000)) return 2;
    return 3;
}

const words = { 1: "poor", 2: "fair", 3: "good" };

function describe(level, { bitrate, width, height, loss }) {
    const parts = [`${(bitrate / 1e6).toFixed(bitrate >= 1e6 ? 1 : 2)} Mbit/s`];
    if (width && height) parts.push(`${width}×${height}`);
    parts.push(`${(loss * 100).toFixed(loss > 0 && loss < 0.1 ? 1 : 0)} % lost`);
    return `Connection ${words[level]}: ${parts.join(", ")}`;
}

export class QualityMonitor {
    /** streams(): the down streams ({pc, tile}); each keeps its previous sample on itself. */
    constructor(streams) {
        this.streams = streams;
        setInterval(() => this.sample(), period);
    }

    async sample() {
        for (const stream of this.streams()) {
            if (stream.closed) continue;
            let report;
            try {
                report = await stream.pc.getStats();
            } catch {
                continue;
            }
            const now = { time: performance.now(), bytes: 0, videoBytes: 0, received: 0, lost: 0, width: 0, height: 0, video: false };
            report.forEach((entry) => {
                if (entry.type !== "inbound-rtp") return;
                now.bytes += entry.bytesReceived || 0;
                now.received += entry.packetsReceived || 0;
                now.lost += Math.max(0, entry.packetsLost || 0);
                if (entry.kind === "video") {
                    now.videoBytes += entry.bytesReceived || 0;
                    if (entry.frameWidth) {
                        now.video = true;
                        now.width = entry.frameWidth;
                        now.height = entry.frameHeight;
                    }
                }
            });
            const before = stream.qualitySample;
            stream.qualitySample = now;
            if (!before || now.received === before.received) {
                // Nothing arrived in the period: no claim about quality.
                if (before) stream.tile.setQuality(null);
                continue;
            }
            const seconds = (now.time - before.time) / 1000;
            const received = now.received - before.received;
            const lost = Math.max(0, now.lost - before.lost);
            const figures = {
                bitrate: ((now.bytes - before.bytes) * 8) / seconds,
                width: now.width,
                height: now.height,
                loss: lost / (lost + received),
            };
            const videoBitrate = ((now.videoBytes - before.videoBytes) * 8) / seconds;
            const level = qualityLevel(figures.loss, videoBitrate, now.video && !stream.tile.figure.classList.contains("audio-only"));
            stream.tile.setQuality({ level, text: describe(level, figures) });
        }
    }
}
