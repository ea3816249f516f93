using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tessera.Ctl.Admin;

/// <summary>What every administrative command shares: error reporting, the JSON template, name patterns.</summary>
internal static class CommandActions
{
    /// <summary>Runs <paramref name="body"/>; a <see cref="CtlException"/> becomes one line on stderr and exit code 1.</summary>
    public static void SetCtlAction(this Command command, TextWriter stderr, Func<ParseResult, Task> body) =>
        command.SetAction(async (result, _) =>
        {
            try
            {
                await body(result);
                return 0;
            }
            catch (CtlException e)
            {
                stderr.WriteLine($"tessera-ctl: {command.Name}: {e.Message}");
                return 1;
            }
        });

    /// <summary>The <c>-json</c> template: one JSON object on standard input.</summary>
    public static JsonObject ReadTemplate(TextReader stdin)
    {
        var text = stdin.ReadToEnd();
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new CtlException("the template on standard input must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new CtlException($"the template on standard input is not valid JSON: {e.Message}");
        }
    }

    /// <summary>Applies a template to an object: a <c>null</c> member deletes the field, any other replaces it.</summary>
    public static void Merge(JsonObject target, JsonObject template)
    {
        foreach (var (name, value) in template)
        {
            if (value is null) target.Remove(name);
            else target[name] = value.DeepClone();
        }
    }

    /// <summary>Name patterns for the list commands: <c>*</c> any run of characters, <c>?</c> one.</summary>
    public static bool MatchesAny(string name, string[] patterns) =>
        patterns.Length == 0 || patterns.Any(p => System.IO.Enumeration.FileSystemName.MatchesSimpleExpression(p, name, ignoreCase: false));

    /// <summary>A <c>-permissions</c> value: a JSON array verbatim, else a named set (expanded for tokens).</summary>
    public static JsonNode Permissions(string value, bool expand)
    {
        value = value.Trim();
        if (value.Length == 0) throw new CtlException("empty permissions");
        if (value[0] == '[')
        {
            try
            {
                return JsonNode.Parse(value) as JsonArray ?? throw new CtlException("permissions must be a name or a JSON array");
            }
            catch (JsonException e)
            {
                throw new CtlException($"permissions are not a valid JSON array: {e.Message}");
            }
        }
        if (!Tessera.Auth.Permissions.PermissionNames.NamedSets.Contains(value))
            throw new CtlException($"unknown permission '{value}' (one of {string.Join(", ", Tessera.Auth.Permissions.PermissionNames.NamedSets.Order())}, or a JSON array)");
        if (!expand) return JsonValue.Create(value);
        return new JsonArray([.. Tessera.Auth.Permissions.PermissionSpec.Named(value).Expand().Select(p => JsonValue.Create(p))]);
    }
}
