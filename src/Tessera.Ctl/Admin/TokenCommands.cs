using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Tessera.Auth.Tokens;

namespace Tessera.Ctl.Admin;

/// <summary>
/// <c>list-tokens</c>, <c>create-token</c>, <c>update-token</c>, <c>revoke-token</c>, <c>delete-token</c>.
/// <c>-group ""</c> names the global tokens (which open every group with <c>-include-subgroups</c>).
/// </summary>
internal static class TokenCommands
{
    public static IEnumerable<Command> Create(GlobalOptions global, TextReader stdin, TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        var listGroup = GroupOption();
        var long_ = new Option<bool>("-l", "--long") { Description = "show username, permissions and expiry" };
        var list = new Command("list-tokens", "list a group's tokens") { listGroup, long_ };
        list.SetCtlAction(stderr, async r =>
        {
            using var api = global.Client(r);
            var group = GroupOf(r, listGroup);
            var (body, _) = await api.GetAsync(api.Url(".groups", group, ".tokens/"));
            var now = time.GetUtcNow();
            foreach (var name in GroupCommands.Names(body))
            {
                if (!r.GetValue(long_))
                {
                    stdout.WriteLine(name);
                    continue;
                }
                var (token, _) = await api.GetAsync(Url(api, group, name));
                var expires = (string?)token?["expires"] is { } e && Rfc3339.TryParse(e, out var at)
                    ? at < now ? "(expired)" : at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
                    : "(no expiration date)";
                var flags = ((bool?)token?["includeSubgroups"] == true ? "H" : "") +
                            string.Concat((token?["permissions"] as JsonArray ?? []).Select(p => (string?)p is { Length: > 0 } s ? s[0] : '?'));
                stdout.WriteLine($"{name,-11} {(string?)token?["username"],-20} {new string([.. flags.Order()]),-4} {expires}");
            }
        });
        yield return list;

        var createGroup = GroupOption();
        var include = Flags.Switch("include-subgroups", "the token also opens the group's subgroups (every group, with -group \"\")");
        var username = Flags.Text("user", "username imposed on whoever uses the token");
        var permissions = new Option<string>("--permissions", "-permissions")
        {
            Description = "a named set (expanded) or a JSON array", DefaultValueFactory = _ => "present",
        };
        var expires = new Option<string>("--expires", "-expires")
        {
            Description = "validity from now: 90m, 24h, 7d, 1h30m…", DefaultValueFactory = _ => "24h",
        };
        var create = new Command("create-token", "create a token and print its name (the invitation is the group's URL with ?token=NAME)")
        {
            createGroup, include, username, permissions, expires,
        };
        create.SetCtlAction(stderr, async r =>
        {
            var token = new JsonObject
            {
                ["permissions"] = CommandActions.Permissions(r.GetValue(permissions)!, expand: true),
                ["expires"] = Rfc3339.Format(time.GetUtcNow() + Duration(r.GetValue(expires)!)),
            };
            if (r.GetValue(username) is { Length: > 0 } u) token["username"] = u;
            if (r.IsSet(include)) token["includeSubgroups"] = r.GetValue(include);
            using var api = global.Client(r);
            stdout.WriteLine(await api.PostAsync(api.Url(".groups", GroupOf(r, createGroup), ".tokens/"), token));
        });
        yield return create;

        var updateGroup = GroupOption();
        var updateToken = TokenOption();
        var updateUser = Flags.Text("user", "username imposed on whoever uses the token");
        var updatePermissions = Flags.Text("permissions", "a named set (expanded) or a JSON array");
        var updateExpires = Flags.Text("expires", "new validity from now (90m, 24h, 7d…)");
        var updateInclude = Flags.Switch("include-subgroups", "the token also opens the group's subgroups");
        var json = Flags.Switch("json", "read a JSON template from standard input (a null field deletes it)");
        var update = new Command("update-token", "change a token")
        {
            updateGroup, updateToken, updateUser, updatePermissions, updateExpires, updateInclude, json,
        };
        update.SetCtlAction(stderr, async r =>
        {
            var template = r.GetValue(json) ? CommandActions.ReadTemplate(stdin) : new JsonObject();
            if (r.GetValue(updateUser) is { } u) template["username"] = u;
            if (r.GetValue(updatePermissions) is { } p) template["permissions"] = CommandActions.Permissions(p, expand: true);
            if (r.GetValue(updateExpires) is { } e) template["expires"] = Rfc3339.Format(time.GetUtcNow() + Duration(e));
            if (r.IsSet(updateInclude)) template["includeSubgroups"] = r.GetValue(updateInclude);
            using var api = global.Client(r);
            await api.UpdateAsync(Url(api, GroupOf(r, updateGroup), r.Required(updateToken)), t => CommandActions.Merge(t, template));
        });
        yield return update;

        var revokeGroup = GroupOption();
        var revokeToken = TokenOption();
        var revoke = new Command("revoke-token", "make a token expire now (it stays listed for 7 days)") { revokeGroup, revokeToken };
        revoke.SetCtlAction(stderr, async r =>
        {
            using var api = global.Client(r);
            await api.UpdateAsync(Url(api, GroupOf(r, revokeGroup), r.Required(revokeToken)),
                                  t => t["expires"] = Rfc3339.Format(time.GetUtcNow() - TimeSpan.FromMinutes(1)));
        });
        yield return revoke;

        var deleteGroup = GroupOption();
        var deleteToken = TokenOption();
        var delete = new Command("delete-token", "delete a token") { deleteGroup, deleteToken };
        delete.SetCtlAction(stderr, async r =>
        {
            using var api = global.Client(r);
            await api.DeleteAsync(Url(api, GroupOf(r, deleteGroup), r.Required(deleteToken)));
        });
        yield return delete;
    }

    private static Option<string?> GroupOption() => Flags.Text("group", "group name (\"\" for global tokens)");
    private static Option<string?> TokenOption() => Flags.Text("token", "the token's name");

    /// <summary>Unlike other commands, an empty -group is meaningful here (the global tokens); only its absence is an error.</summary>
    private static string GroupOf(ParseResult r, Option<string?> group) =>
        r.IsSet(group) ? r.GetValue(group) ?? "" : throw new CtlException("option -group is required (-group \"\" for global tokens)");

    private static Uri Url(ApiClient api, string group, string token) =>
        group == "" ? api.Url(".groups", ".tokens", token) : api.Url(".groups", group, ".tokens", token);

    /// <summary>A duration as Go writes them (<c>1h30m</c>, <c>90s</c>), plus days (<c>7d</c>).</summary>
    public static TimeSpan Duration(string text)
    {
        var total = TimeSpan.Zero;
        var rest = text.Trim();
        if (rest.Length == 0) throw new CtlException("empty duration");
        while (rest.Length > 0)
        {
            var digits = 0;
            while (digits < rest.Length && (char.IsAsciiDigit(rest[digits]) || rest[digits] == '.')) digits++;
            var units = digits;
            while (units < rest.Length && char.IsAsciiLetter(rest[units])) units++;
            if (digits == 0 || !double.TryParse(rest[..digits], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                throw new CtlException($"'{text}' is not a duration (like 90m, 24h, 7d or 1h30m)");
            total += rest[digits..units] switch
            {
                "s" => TimeSpan.FromSeconds(value),
                "m" => TimeSpan.FromMinutes(value),
                "h" => TimeSpan.FromHours(value),
                "d" => TimeSpan.FromDays(value),
                _ => throw new CtlException($"'{text}' is not a duration (units: s, m, h, d)"),
            };
            rest = rest[units..];
        }
        return total;
    }
}
