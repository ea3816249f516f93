// Line icons for the call controls, drawn on a 24×24 grid as SVG paths (no icon font, no image
// requests). Icons are decoration: every control that shows one also has a text label, so they
// are always aria-hidden. An "off" variant draws a diagonal bar across the icon, so a control's
// state is visible in its shape, not only in its colour.

const paths = {
    camera: ["M3 7h12v10H3z", "M15 10.5l6-3.5v10l-6-3.5"],
    microphone: ["M9 4a3 3 0 0 1 6 0v7a3 3 0 0 1-6 0z", "M5.5 11a6.5 6.5 0 0 0 13 0", "M12 17.5V21", "M8.5 21h7"],
    mute: ["M4 9h4l5-4v14l-5-4H4z", "M16 9.5l5 5", "M21 9.5l-5 5"],
    speaker: ["M4 9h4l5-4v14l-5-4H4z", "M16 9a4 4 0 0 1 0 6", "M18.5 6.5a7.5 7.5 0 0 1 0 11"],
    screen: ["M3 4h18v12H3z", "M8 20h8", "M12 16v4", "M12 13V7", "M9 10l3-3 3 3"],
    hand: ["M8 13V6a1.5 1.5 0 0 1 3 0v5", "M11 10V4.5a1.5 1.5 0 0 1 3 0V10", "M14 10V5.5a1.5 1.5 0 0 1 3 0V13",
        "M8 12.5V9.5a1.5 1.5 0 0 0-3 0V14a7 7 0 0 0 7 7h0a5 5 0 0 0 5-5v-3"],
    users: ["M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7z", "M2.5 20a6.5 6.5 0 0 1 13 0",
        "M16 4.3a3.5 3.5 0 0 1 0 6.4", "M18 14a6.5 6.5 0 0 1 3.5 6"],
    chat: ["M4 5h16v11H9l-5 4z", "M8 9h8", "M8 12.5h5"],
    settings: ["M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z",
        "M12 2.5v3", "M12 18.5v3", "M2.5 12h3", "M18.5 12h3",
        "M5.3 5.3l2.1 2.1", "M16.6 16.6l2.1 2.1", "M5.3 18.7l2.1-2.1", "M16.6 7.4l2.1-2.1"],
    fullscreen: ["M4 9V4h5", "M15 4h5v5", "M20 15v5h-5", "M9 20H4v-5"],
    "fullscreen-exit": ["M9 4v5H4", "M20 9h-5V4", "M15 20v-5h5", "M4 15h5v5"],
    more: ["M3.5 12a1.5 1.5 0 1 0 3 0 1.5 1.5 0 1 0-3 0", "M10.5 12a1.5 1.5 0 1 0 3 0 1.5 1.5 0 1 0-3 0",
        "M17.5 12a1.5 1.5 0 1 0 3 0 1.5 1.5 0 1 0-3 0"],
    leave: ["M14 4h5v16h-5", "M10 8l-4 4 4 4", "M6 12h10"],
    pip: ["M3 5h18v14H3z", "M12 12h7v5h-7z"],
    pin: ["M9 3h6l-1 6 3 3H7l3-3z", "M12 12v9"],
    keyboard: ["M2.5 6h19v12h-19z", "M6 10h1", "M9.5 10h1", "M13 10h1", "M16.5 10h1", "M7 14h10"],
    blur: ["M12 3a5 5 0 1 0 0 10 5 5 0 0 0 0-10z", "M4 21a8 8 0 0 1 16 0",
        "M2 4h1", "M21 4h1", "M2 9h1", "M21 9h1", "M2 14h1", "M21 14h1"],
};

const svgNs = "http://www.w3.org/2000/svg";

/** An aria-hidden SVG icon; with `off`, crossed by a diagonal bar. */
export function icon(name, { off = false } = {}) {
    const svg = document.createElementNS(svgNs, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.classList.add("icon");
    for (const d of paths[name] || []) {
        const path = document.createElementNS(svgNs, "path");
        path.setAttribute("d", d);
        svg.append(path);
    }
    if (off) {
        const bar = document.createElementNS(svgNs, "path");
        bar.setAttribute("d", "M3 3l18 18");
        bar.classList.add("icon-off-bar");
        svg.append(bar);
    }
    return svg;
}
