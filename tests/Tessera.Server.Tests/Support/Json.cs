using System.Text.Json.Nodes;

namespace Tessera.Server.Tests.Support;

public static class Json
{
    public static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    public static string? Str(this JsonNode o, string key) => (string?)o[key];

    public static string[] Strings(this JsonNode? node) =>
        node is JsonArray a ? a.Select(x => x!.GetValue<string>()).ToArray() : [];
}
