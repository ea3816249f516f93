// The statistics page: what the administrative API's .stats says, per group, per client, per
// stream and per track. Reading it needs a server administrator's credentials; the browser asks
// for them (HTTP Basic) the first time.

import { attachNotices, notify, clearNotices } from "./notices.js";

const $ = (id) => document.getElementById(id);

/** "1.2 Mbit/s", "640 kbit/s", "—" */
export function formatBitrate(bits) {
    if (typeof bits !== "number") return "—";
    if (bits >= 1e6) return `${(bits / 1e6).toFixed(1)} Mbit/s`;
    return `${Math.round(bits / 1e3)} kbit/s`;
}

function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = text;
    row.append(td);
}

function layers(track) {
    const parts = [];
    if (track.rid) parts.push(`encoding ${track.rid}`);
    if (typeof track.maxSid === "number") parts.push(`spatial ${track.sid ?? "?"}/${track.maxSid}`);
    if (typeof track.maxTid === "number") parts.push(`temporal ${track.tid ?? "?"}/${track.maxTid}`);
    return parts.join(", ") || "—";
}

function streamRows(body, client, direction, stream) {
    for (const track of stream.tracks || []) {
        const row = document.createElement("tr");
        cell(row, client.username || "(no name)");
        cell(row, client.id);
        cell(row, direction);
        cell(row, stream.id + (stream.label ? ` (${stream.label})` : ""));
        cell(row, track.kind || "");
        cell(row, formatBitrate(track.bitrate));
        cell(row, typeof track.maxBitrate === "number" ? formatBitrate(track.maxBitrate) : "—");
        cell(row, typeof track.loss === "number" ? `${(track.loss * 100).toFixed(1)} %` : "—");
        cell(row, typeof track.rtt === "number" ? `${track.rtt} ms` : "—");
        cell(row, typeof track.jitter === "number" ? `${track.jitter} ms` : "—");
        cell(row, layers(track));
        body.append(row);
    }
}

const headings = ["User", "Client", "Direction", "Stream", "Kind", "Bitrate", "Estimate", "Loss", "RTT", "Jitter", "Layers"];

/** Renders the .stats array: one table per group, one row per track (or per client without streams). */
export function render(groups) {
    const main = $("stats");
    main.querySelectorAll("section").forEach((s) => s.remove());
    $("stats-empty").hidden = groups.length > 0;
    for (const group of groups) {
        const section = document.createElement("section");
        section.className = "panel stats-group";
        const heading = document.createElement("h2");
        heading.textContent = group.name;
        heading.id = `group-${group.name}`;
        section.setAttribute("aria-labelledby", heading.id);
        const table = document.createElement("table");
        table.setAttribute("aria-labelledby", heading.id);
        const head = document.createElement("tr");
        for (const h of headings) {
            const th = document.createElement("th");
            th.scope = "col";
            th.textContent = h;
            head.append(th);
        }
        const thead = document.createElement("thead");
        thead.append(head);
        const body = document.createElement("tbody");
        for (const client of group.clients || []) {
            const before = body.childElementCount;
            for (const s of client.up || []) streamRows(body, client, "up", s);
            for (const s of client.down || []) streamRows(body, client, "down", s);
            if (body.childElementCount === before) {
                const row = document.createElement("tr");
                cell(row, client.username || "(no name)");
                cell(row, client.id);
                for (let i = 2; i < headings.length; i++) cell(row, "—");
                body.append(row);
            }
        }
        table.append(thead, body);
        section.append(heading, table);
        main.append(section);
    }
}

async function refresh() {
    let response;
    try {
        response = await fetch("/galene-api/v0/.stats", { cache: "no-store", credentials: "same-origin" });
    } catch (e) {
        notify(`Could not reach the server (${e.message})`, { kind: "error" });
        return;
    }
    if (response.status === 401 || response.status === 429) {
        $("auto-refresh").checked = false;
        notify(response.status === 401
            ? "Statistics are for server administrators: reload the page and give an administrator's name and password."
            : "Too many failed attempts; wait, then reload the page.", { kind: "error", persistent: true });
        return;
    }
    if (!response.ok) {
        notify(`The server answered ${response.status} ${response.statusText}`, { kind: "error" });
        return;
    }
    clearNotices();
    render(await response.json());
}

attachNotices($("notices"));
$("refresh").addEventListener("click", refresh);
setInterval(() => {
    if ($("auto-refresh").checked && !document.hidden) refresh();
}, 2000);
refresh();
