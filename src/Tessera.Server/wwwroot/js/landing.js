// The landing page: lists public groups and opens any group by name after checking it exists.

import { attachNotices, notify, clearNotices } from "./notices.js";
import { groupPath } from "./login.js";

const $ = (id) => document.getElementById(id);

/** Normalises what was typed: spaces and surrounding slashes removed. */
export function cleanGroupName(text) {
    return text.trim().replace(/^\/+|\/+$/g, "");
}

async function listPublicGroups() {
    let groups;
    try {
        const response = await fetch("/public-groups.json", { cache: "no-store" });
        if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
        groups = await response.json();
    } catch (e) {
        notify(`Could not load the list of public groups (${e.message})`, { kind: "warning" });
        return;
    }
    const list = $("public-groups");
    const items = (Array.isArray(groups) ? groups : []).map((group) => {
        const item = document.createElement("li");
        item.className = "public-group";
        const link = document.createElement("a");
        link.href = group.location || groupPath(group.name);
        link.textContent = group.displayName || group.name;
        item.append(link);
        if (group.locked) {
            const locked = document.createElement("span");
            locked.className = "badge";
            locked.textContent = " (locked)";
            item.append(locked);
        }
        if (typeof group.clientCount === "number") {
            const count = document.createElement("span");
            count.className = "client-count";
            count.textContent = ` ${group.clientCount} ${group.clientCount === 1 ? "person" : "people"}`;
            item.append(count);
        }
        if (group.description) {
            const description = document.createElement("p");
            description.className = "public-group-description";
            description.textContent = group.description;
            item.append(description);
        }
        return item;
    });
    list.replaceChildren(...items);
    $("public-empty").hidden = items.length > 0;
}

async function openGroup(event) {
    event.preventDefault();
    clearNotices();
    const name = cleanGroupName($("group").value);
    if (!name) {
        notify("Please type the name of a group", { kind: "warning" });
        return;
    }
    const path = groupPath(name);
    let response;
    try {
        // .status.json redirects to .status; fetch follows it.
        response = await fetch(`${path}.status.json`, { method: "HEAD", cache: "no-store" });
    } catch (e) {
        notify(`Cannot reach the server (${e.message})`, { kind: "error" });
        return;
    }
    if (response.status === 404) {
        notify(`There is no such group: ${name}`, { kind: "error" });
        $("group").focus();
        return;
    }
    if (!response.ok) {
        notify(`The server said ${response.status} ${response.statusText}`.trim(), { kind: "error" });
        return;
    }
    location.href = path;
}

attachNotices($("notices"));
$("open-group").addEventListener("submit", openGroup);
listPublicGroups();
