using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tessera.Ctl.Admin;

/// <summary><c>list-groups</c>, <c>show-group</c>, <c>create-group</c>, <c>update-group</c>, <c>delete-group</c>.</summary>
internal static class GroupCommands
{
    public static IEnumerable<Command> Create(GlobalOptions global, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var patterns = new Argument<string[]>("pattern") { Description = "only names matching one of these (* and ?)", Arity = ArgumentArity.ZeroOrMore };
        var list = new Command("list-groups", "list groups") { patterns };
        list.SetCtlAction(stderr, async r =>
        {
            using var api = global.Client(r);
            var (body, _) = await api.GetAsync(api.Url(".groups/"));
            foreach (var name in Names(body).Where(n => CommandActions.MatchesAny(n, r.GetValue(patterns) ?? [])))
                stdout.WriteLine(name);
        });
        yield return list;

        var showGroup = Flags.Text("group", "group name");
        var show = new Command("show-group", "show a group's description (without users and keys)") { showGroup };
        show.SetCtlAction(stderr, async r =>
        {
            using var api = global.Client(r);
            var (body, _) = await api.GetAsync(api.Url(".groups", r.Required(showGroup)));
            stdout.WriteLine(body?.ToJsonString(Indented));
        });
        yield return show;

        yield return Write("create-group", "create a group", create: true, global, stdin, stderr);
        yield return Write("update-group", "change a group's description", create: false, global, stdin, stderr);

        var deleteGroup = Flags.Text("group", "group name");
        var delete = new Command("delete-group", "delete a group") { deleteGroup };
        delete.SetCtlAction(stderr, async r =>
        {
            using var api = global.Client(r);
            await api.DeleteAsync(api.Url(".groups", r.Required(deleteGroup)));
        });
        yield return delete;
    }

    /// <summary>
    /// create-group and update-group: the description is the JSON template on stdin (with -json),
    /// then the flags. An update merges into the current description (a null field deletes it).
    /// </summary>
    private static Command Write(string name, string description, bool create, GlobalOptions global, TextReader stdin, TextWriter stderr)
    {
        var group = Flags.Text("group", "group name");
        var unrestricted = Flags.Switch("unrestricted-tokens", "allow ordinary users to create tokens");
        var autoSubgroups = Flags.Switch("auto-subgroups", "create subgroups automatically");
        var json = Flags.Switch("json", "read a JSON template from standard input");
        var command = new Command(name, description) { group, unrestricted, autoSubgroups, json };
        command.SetCtlAction(stderr, async r =>
        {
            var groupName = r.Required(group);
            var template = r.GetValue(json) ? CommandActions.ReadTemplate(stdin) : new JsonObject();
            if (r.IsSet(unrestricted)) template["unrestricted-tokens"] = r.GetValue(unrestricted);
            if (r.IsSet(autoSubgroups)) template["auto-subgroups"] = r.GetValue(autoSubgroups);
            using var api = global.Client(r);
            var url = api.Url(".groups", groupName);
            if (create)
            {
                foreach (var (field, value) in template.ToList())
                    if (value is null) template.Remove(field);
                await api.PutAsync(url, template, create: true);
            }
            else
            {
                await api.UpdateAsync(url, current => CommandActions.Merge(current, template));
            }
        });
        return command;
    }

    public static IEnumerable<string> Names(JsonNode? body) =>
        (body as JsonArray ?? throw new CtlException("the server's answer is not a list"))
        .Select(n => n?.GetValue<string>() ?? "").Order(StringComparer.Ordinal);

    internal static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
