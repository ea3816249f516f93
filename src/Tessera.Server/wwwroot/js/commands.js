// Slash commands typed in the chat box. Each command maps to protocol messages through the
// page controller (`app`), so menus and commands share one implementation.

const units = { s: 1000, m: 60000, h: 3600000, d: 86400000, w: 604800000 };

/** Parses "90s", "30m", "2h", "1d", "1w" (a bare number means days) into milliseconds, or null. */
export function parseDuration(text) {
    const match = /^(\d+(?:\.\d+)?)([smhdw]?)$/i.exec(text.trim());
    if (!match) return null;
    const amount = Number(match[1]);
    const unit = units[(match[2] || "d").toLowerCase()];
    const ms = Math.round(amount * unit);
    return ms > 0 ? ms : null;
}

/** Splits "word rest of line" into ["word", "rest of line"]. */
function firstWord(text) {
    const trimmed = text.trim();
    const space = trimmed.search(/\s/);
    if (space < 0) return [trimmed, ""];
    return [trimmed.slice(0, space), trimmed.slice(space + 1).trim()];
}

const help = [
    "/me ACTION — describe what you are doing",
    "/msg USER TEXT — private message",
    "/invite [USER] [EXPIRY] — create an invitation link (expiry like 2h or 3d; default 1d)",
    "/raise, /unraise — raise or lower your hand",
    "/leave — leave the group",
    "Operators: /kick USER [MESSAGE], /op USER, /unop USER, /present USER, /unpresent USER,",
    "/mute USER, /shutup USER, /unshutup USER, /lock [MESSAGE], /unlock, /clear, /subgroups,",
    "/record, /unrecord — start or stop recording the group (needs the record permission)",
];

const userActions = ["op", "unop", "present", "unpresent", "shutup", "unshutup", "mute"];

/**
 * Runs one typed line. Lines not starting with "/" (or starting with "//") are chat.
 * target is the private recipient chosen in the user list, or null.
 */
export function runLine(line, target, app) {
    if (!line.startsWith("/") || line.startsWith("//")) {
        const text = line.startsWith("//") ? line.slice(1) : line;
        app.sendChat(text, "", target);
        return;
    }
    const [command, rest] = firstWord(line.slice(1));
    const name = command.toLowerCase();
    const needUser = (then) => {
        const [username, remainder] = firstWord(rest);
        if (!username) {
            app.commandError(`/${name} needs a username`);
            return;
        }
        const user = app.users.findByName(username);
        if (!user) {
            app.commandError(`No user called ${username}`);
            return;
        }
        then(user, remainder);
    };
    switch (name) {
        case "me":
            if (!rest) app.commandError("/me needs some text");
            else app.sendChat(rest, "me", target);
            return;
        case "msg":
            needUser((user, text) => {
                if (!text) app.commandError("/msg needs some text");
                else app.sendChat(text, "", user);
            });
            return;
        case "invite": {
            const words = rest ? rest.split(/\s+/) : [];
            let username;
            let expires = units.d;
            if (words.length > 2) {
                app.commandError("usage: /invite [USER] [EXPIRY]");
                return;
            }
            if (words.length === 2) {
                username = words[0];
                expires = parseDuration(words[1]);
            } else if (words.length === 1) {
                // A lone word is an expiry if it reads as one, else a username.
                const asDuration = parseDuration(words[0]);
                if (asDuration) expires = asDuration;
                else username = words[0];
            }
            if (!expires) {
                app.commandError("Cannot read that expiry; use e.g. 30m, 2h or 3d");
                return;
            }
            app.invite(username, expires);
            return;
        }
        case "kick":
            needUser((user, message) => app.userAction("kick", user, message || undefined));
            return;
        case "lock":
            app.groupAction("lock", rest || undefined);
            return;
        case "unlock":
            app.groupAction("unlock");
            return;
        case "clear":
            app.groupAction("clearchat");
            return;
        case "subgroups":
            app.groupAction("subgroups");
            return;
        case "record":
        case "unrecord":
            app.groupAction(name);
            return;
        case "raise":
            app.setRaisedHand(true);
            return;
        case "unraise":
            app.setRaisedHand(false);
            return;
        case "leave":
            app.leave();
            return;
        case "help":
            for (const line of help) app.chat.addSystem(line);
            return;
        default:
            if (userActions.includes(name)) {
                needUser((user) => app.userAction(name, user));
                return;
            }
            app.commandError(`Unknown command /${command}; type /help for the list`);
    }
}
