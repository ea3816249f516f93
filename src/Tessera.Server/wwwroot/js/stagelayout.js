// Places the video tiles on the stage: as large as their number allows, keeping their aspect
// ratio. Plain grid: every column count is tried and the one giving the largest tiles wins (so
// two tiles go side by side or stacked, whichever is larger). A screen share, or a tile the user
// pinned, takes the focus: it is shown large and the others go in a strip beside or below it.
// Your own camera is a small self view in a corner while exactly one other tile is shown.
// Positions are set through the CSSOM (allowed by the page's CSP, unlike style attributes).

const gap = 8;
const minTileWidth = 160;
const defaultAspect = 16 / 9;

/**
 * The largest tile size for `count` tiles of aspect `aspect` (width/height) in a width×height
 * area: {cols, rows, width, height}. Tiles never shrink below minTileWidth; the area scrolls then.
 */
export function bestGrid(width, height, count, aspect) {
    let best = { cols: 1, rows: count, width: 0, height: 0 };
    for (let cols = 1; cols <= count; cols++) {
        const rows = Math.ceil(count / cols);
        const w = Math.min((width - gap * (cols - 1)) / cols, ((height - gap * (rows - 1)) / rows) * aspect);
        if (w > best.width) best = { cols, rows, width: w, height: w / aspect };
    }
    if (best.width < minTileWidth) {
        const cols = Math.max(1, Math.floor((width + gap) / (minTileWidth + gap)));
        const tileWidth = Math.min(width, (width - gap * (cols - 1)) / cols);
        best = { cols, rows: Math.ceil(count / cols), width: tileWidth, height: tileWidth / aspect };
    }
    return best;
}

/** Rectangles for `count` tiles in the area {x, y, width, height}, centred, row by row. */
function gridRects(area, count, aspect) {
    if (count === 0) return [];
    const grid = bestGrid(area.width, area.height, count, aspect);
    const usedHeight = grid.rows * grid.height + (grid.rows - 1) * gap;
    const top = area.y + Math.max(0, (area.height - usedHeight) / 2);
    const rects = [];
    for (let i = 0; i < count; i++) {
        const row = Math.floor(i / grid.cols);
        // The last row may be short: centre it too.
        const inRow = Math.min(grid.cols, count - row * grid.cols);
        const rowWidth = inRow * grid.width + (inRow - 1) * gap;
        const left = area.x + (area.width - rowWidth) / 2;
        const col = i - row * grid.cols;
        rects.push({
            x: left + col * (grid.width + gap),
            y: top + row * (grid.height + gap),
            width: grid.width,
            height: grid.height,
        });
    }
    return rects;
}

/** width/height of a tile's video once known, else null. */
function videoAspect(tile) {
    const video = tile.querySelector("video");
    if (!video || !video.videoWidth || !video.videoHeight || tile.classList.contains("audio-only")) return null;
    return video.videoWidth / video.videoHeight;
}

export class StageLayout {
    /** container: the #tiles element; its figure.tile children are laid out. */
    constructor(container) {
        this.container = container;
        this.pinned = null;
        this.scheduled = false;
        new ResizeObserver(() => this.schedule()).observe(container);
        new MutationObserver(() => this.schedule()).observe(container, {
            childList: true, subtree: true, attributes: true, attributeFilter: ["class"],
        });
        // A video learning its size changes the best aspect ratio.
        container.addEventListener("resize", () => this.schedule(), true);
        container.addEventListener("loadedmetadata", () => this.schedule(), true);
    }

    /** Pins a tile (or unpins with null): a pinned tile takes the focus like a screen share. */
    pin(tile) {
        this.pinned = tile;
        this.schedule();
    }

    schedule() {
        if (this.scheduled) return;
        this.scheduled = true;
        requestAnimationFrame(() => {
            this.scheduled = false;
            this.apply();
        });
    }

    apply() {
        // Others first, one's own camera last: the eye goes to the people one is talking to.
        const tiles = [...this.container.querySelectorAll(":scope > figure.tile")]
            .sort((a, b) => a.classList.contains("tile-self") - b.classList.contains("tile-self"));
        if (this.pinned && !tiles.includes(this.pinned)) this.pinned = null;
        const width = this.container.clientWidth;
        const height = this.container.clientHeight;
        if (!width || !height) return;
        const self = tiles.find((t) => t.classList.contains("tile-self"));
        const others = tiles.filter((t) => t !== self);
        const focus = this.pinned || others.find((t) => t.classList.contains("tile-screen"));
        const aspect = others.map(videoAspect).find(Boolean) || (self && videoAspect(self)) || defaultAspect;
        const area = { x: 0, y: 0, width, height };
        const placed = new Map();
        const selfView = !!self && others.length === 1 && !focus;

        if (focus) {
            const rest = tiles.filter((t) => t !== focus);
            const focusAspect = videoAspect(focus) || aspect;
            if (rest.length === 0) {
                placed.set(focus, gridRects(area, 1, focusAspect)[0]);
            } else if (width / height >= 1.2) {
                const strip = Math.max(minTileWidth, Math.round(width * 0.2));
                placed.set(focus, gridRects({ x: 0, y: 0, width: width - strip - gap, height }, 1, focusAspect)[0]);
                const stripRects = gridRects({ x: width - strip, y: 0, width: strip, height }, rest.length, aspect);
                rest.forEach((t, i) => placed.set(t, stripRects[i]));
            } else {
                const strip = Math.max(90, Math.round(height * 0.22));
                placed.set(focus, gridRects({ x: 0, y: 0, width, height: height - strip - gap }, 1, focusAspect)[0]);
                const stripRects = gridRects({ x: 0, y: height - strip, width, height: strip }, rest.length, aspect);
                rest.forEach((t, i) => placed.set(t, stripRects[i]));
            }
        } else {
            const inGrid = selfView ? others : tiles;
            gridRects(area, inGrid.length, aspect).forEach((rect, i) => placed.set(inGrid[i], rect));
            if (selfView) {
                const selfAspect = videoAspect(self) || aspect;
                const w = Math.round(Math.min(240, Math.max(96, width * 0.22)));
                const h = w / selfAspect;
                placed.set(self, { x: width - w - gap, y: height - h - gap, width: w, height: h });
            }
        }
        this.container.classList.toggle("layout-focus", !!focus);
        for (const tile of tiles) {
            const rect = placed.get(tile);
            tile.classList.toggle("tile-focused", tile === focus);
            tile.classList.toggle("tile-floating", tile === self && selfView);
            tile.classList.toggle("tile-pinned", tile === this.pinned);
            const style = tile.style;
            style.setProperty("left", `${Math.round(rect.x)}px`);
            style.setProperty("top", `${Math.round(rect.y)}px`);
            style.setProperty("width", `${Math.floor(rect.width)}px`);
            style.setProperty("height", `${Math.floor(rect.height)}px`);
        }
    }
}
