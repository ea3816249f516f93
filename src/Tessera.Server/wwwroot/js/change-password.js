// The change-password page: a user of a group changes their own password through the
// administrative API (POST …/.users/NAME/.password with their current password as HTTP Basic
// credentials). It works where the server's config.json sets writableGroups.

import { attachNotices, notify, clearNotices } from "./notices.js";
import { namePath } from "./login.js";
const $ = (id) => document.getElementById(id);

/** What was typed, without spaces and surrounding slashes. */
const cleanGroupName = (text) => text.trim().replace(/^\/+|\/+$/g, "");

/** HTTP Basic credentials of UTF-8 text (btoa alone only takes Latin-1). */
function basic(username, password) {
    const bytes = new TextEncoder().encode(`${username}:${password}`);
    return "Basic " + btoa(String.fromCharCode(...bytes));
}

/** The message for an answer of the API. */
export function explain(status, text) {
    switch (status) {
    case 204: return "Your password has been changed.";
    case 401: return text.startsWith("not authorised")
        ? "This server does not let users change their passwords (writableGroups is off)."
        : "The group, username or current password is wrong.";
    case 404: return "There is no such user in this group.";
    case 429: return "Too many failed attempts; try again later.";
    default: return text ? `The server refused: ${text}` : `The server answered ${status}.`;
    }
}

async function submit(event) {
    event.preventDefault();
    clearNotices();
    const group = cleanGroupName($("group").value);
    const username = $("username").value;
    if ($("new").value !== $("repeat").value) {
        notify("The two new passwords differ.", { kind: "error" });
        return;
    }
    let response;
    try {
        response = await fetch(`/galene-api/v0/.groups/${namePath(group)}/.users/${namePath(username)}/.password`, {
            method: "POST",
            headers: { "Content-Type": "text/plain; charset=utf-8", "Authorization": basic(username, $("current").value) },
            body: $("new").value,
            credentials: "omit",
        });
    } catch (e) {
        notify(`Could not reach the server (${e.message})`, { kind: "error" });
        return;
    }
    const text = response.status === 204 ? "" : (await response.text()).trim();
    notify(explain(response.status, text), { kind: response.status === 204 ? "info" : "error", persistent: true });
    if (response.status === 204) {
        for (const id of ["current", "new", "repeat"]) $(id).value = "";
    }
}

attachNotices($("notices"));
const params = new URLSearchParams(location.search);
if (params.get("group")) $("group").value = params.get("group");
if (params.get("username")) $("username").value = params.get("username");
$("change-password").addEventListener("submit", submit);
