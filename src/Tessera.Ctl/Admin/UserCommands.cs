using System.CommandLine;
using System.Text.Json.Nodes;

namespace Tessera.Ctl.Admin;

/// <summary><c>list-users</c>, <c>create-user</c>, <c>update-user</c>, <c>delete-user</c>; <c>-wildcard</c> names the wildcard user.</summary>
internal static class UserCommands
{
    public static IEnumerable<Command> Create(GlobalOptions global, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var listGroup = Flags.Text("group", "group name");
        var long_ = new Option<bool>("-l", "--long") { Description = "show permissions" };
        var patterns = new Argument<string[]>("pattern") { Description = "only names matching one of these (* and ?)", Arity = ArgumentArity.ZeroOrMore };
        var list = new Command("list-users", "list a group's users") { listGroup, long_, patterns };
        list.SetCtlAction(stderr, async r =>
        {
            using var api = global.Client(r);
            var groupName = r.Required(listGroup);
            var (body, _) = await api.GetAsync(api.Url(".groups", groupName, ".users/"));
            foreach (var user in GroupCommands.Names(body).Where(n => CommandActions.MatchesAny(n, r.GetValue(patterns) ?? [])))
            {
                if (!r.GetValue(long_))
                {
                    stdout.WriteLine(user);
                    continue;
                }
                var (entry, _) = await api.GetAsync(api.Url(".groups", groupName, ".users", user));
                stdout.WriteLine($"{user,-12} {Describe(entry?["permissions"])}");
            }
        });
        yield return list;

        yield return Write("create-user", "create a user (permissions default to present)", create: true, global, stdin, stderr);
        yield return Write("update-user", "change a user's permissions", create: false, global, stdin, stderr);

        var (deleteGroup, deleteUser, deleteWildcard) = Target();
        var delete = new Command("delete-user", "delete a user") { deleteGroup, deleteUser, deleteWildcard };
        delete.SetCtlAction(stderr, async r =>
        {
            using var api = global.Client(r);
            await api.DeleteAsync(UserUrl(api, r, deleteGroup, deleteUser, deleteWildcard));
        });
        yield return delete;
    }

    private static Command Write(string name, string description, bool create, GlobalOptions global, TextReader stdin, TextWriter stderr)
    {
        var (group, user, wildcard) = Target();
        var permissions = Flags.Text("permissions", "a named set (op, present, message, caption, observe, admin) or a JSON array");
        var json = Flags.Switch("json", "read a JSON template from standard input");
        var command = new Command(name, description) { group, user, wildcard, permissions, json };
        command.SetCtlAction(stderr, async r =>
        {
            var template = r.GetValue(json) ? CommandActions.ReadTemplate(stdin) : new JsonObject();
            if (r.GetValue(permissions) is { } p) template["permissions"] = CommandActions.Permissions(p, expand: false);
            using var api = global.Client(r);
            var url = UserUrl(api, r, group, user, wildcard);
            if (create)
            {
                if (!template.ContainsKey("permissions")) template["permissions"] = "present";
                await api.PutAsync(url, template, create: true);
            }
            else
            {
                await api.UpdateAsync(url, current => CommandActions.Merge(current, template));
            }
        });
        return command;
    }

    /// <summary>The options naming one user: <c>-group</c> and exactly one of <c>-user</c> and <c>-wildcard</c>.</summary>
    internal static (Option<string?> Group, Option<string?> User, Option<bool> Wildcard) Target() =>
        (Flags.Text("group", "group name"), Flags.Text("user", "username"), Flags.Switch("wildcard", "the wildcard user"));

    internal static Uri UserUrl(ApiClient api, ParseResult r, Option<string?> group, Option<string?> user, Option<bool> wildcard,
                                string? sub = null)
    {
        var groupName = r.Required(group);
        var username = r.GetValue(user);
        if (r.GetValue(wildcard) == !string.IsNullOrEmpty(username))
            throw new CtlException("exactly one of -user and -wildcard is required");
        string[] parts = r.GetValue(wildcard) ? [".groups", groupName, ".wildcard-user"] : [".groups", groupName, ".users", username!];
        return api.Url(sub is null ? parts : [.. parts, sub]);
    }

    /// <summary>A named set as it is; a list as the sorted initials of its names, as galenectl shows it.</summary>
    private static string Describe(JsonNode? permissions) => permissions switch
    {
        null => "[]",
        JsonArray list => "[" + new string([.. list.Select(p => (string?)p is { Length: > 0 } s ? s[0] : '?').Order()]) + "]",
        _ => permissions.ToString(),
    };
}
