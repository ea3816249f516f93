using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Tessera.Ctl.Admin;

/// <summary><c>cluster</c> (the nodes, their load and groups) and <c>drain</c> (no new groups on a node): Tessera's own commands.</summary>
internal static class ClusterCommands
{
    public static IEnumerable<Command> Create(GlobalOptions global, TextWriter stdout, TextWriter stderr)
    {
        var cluster = new Command("cluster", "show the nodes of a cluster: load, clients, groups, draining");
        cluster.SetCtlAction(stderr, async r =>
        {
            using var api = global.Client(r);
            var (body, _) = await api.GetAsync(api.Url(".cluster"));
            var nodes = body?["nodes"] as JsonArray ?? throw new CtlException("the server's answer has no list of nodes");
            stdout.WriteLine(Row("NODE", "URL", "LOAD", "CLIENTS", "GROUPS", "MBIT/S", "CPU%", "STATE"));
            foreach (var n in nodes.OfType<JsonObject>())
                stdout.WriteLine(Row((string?)n["node"], (string?)n["url"], Number(n["load"]), Number(n["clients"]), Number(n["groups"]),
                                     Number(n["forwardedMbps"]), Number(n["cpuPercent"]), n["draining"]?.GetValue<bool>() == true ? "draining" : "serving"));
        });
        yield return cluster;

        var node = new Argument<string>("node") { Description = "the node's name, as 'tessera-ctl cluster' shows it (host:port)" };
        var drain = new Command("drain", "stop placing new groups on a node; its groups stay until they empty") { node };
        drain.SetCtlAction(stderr, async r =>
        {
            using var api = global.Client(r);
            await api.PostAsync(api.Url(".cluster", r.GetValue(node)!, ".drain"), new JsonObject());
        });
        yield return drain;
    }

    private static string Number(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<double>(out var d) ? d.ToString("0.##", CultureInfo.InvariantCulture) : "-";

    private static string Row(params string?[] cells) =>
        string.Join("  ", cells.Select((c, i) => (c ?? "").PadRight(i switch { 0 => 22, 1 => 30, _ => 8 }))).TrimEnd();
}
