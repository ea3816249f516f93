using System.Text.Json;

namespace Tessera.Auth.Tokens;

/// <summary>
/// The <c>value</c> of a <c>maketoken</c>/<c>edittoken</c> message, type-checked. Times are RFC 3339
/// strings or numbers of milliseconds relative to now. Unknown members are ignored.
/// </summary>
internal sealed class TokenRequest
{
    private readonly HashSet<string> _present = new(StringComparer.Ordinal);

    public string? Token { get; private set; }
    public string? Group { get; private set; }
    public string? Username { get; private set; }
    public IReadOnlyList<string>? Permissions { get; private set; }
    public DateTimeOffset? Expires { get; private set; }
    public DateTimeOffset? NotBefore { get; private set; }
    public bool IncludeSubgroups { get; private set; }

    /// <summary>Whether the member was given with a non-null value.</summary>
    public bool Has(string member) => _present.Contains(member);

    public static bool TryRead(JsonElement value, DateTimeOffset now, out TokenRequest request, out string? error)
    {
        request = new TokenRequest();
        error = null;
        if (value.ValueKind != JsonValueKind.Object)
        {
            error = TokenCommands.BadTokenValue;
            return false;
        }
        foreach (var member in value.EnumerateObject())
        {
            if (member.Value.ValueKind == JsonValueKind.Null) continue;
            var v = member.Value;
            switch (member.Name)
            {
                case "token": request.Token = ReadString(v, ref error); break;
                case "group": request.Group = ReadString(v, ref error); break;
                case "username": request.Username = ReadString(v, ref error); break;
                case "permissions": request.Permissions = ReadStringList(v, ref error); break;
                case "expires": request.Expires = ReadTime(v, now, ref error); break;
                case "not-before": request.NotBefore = ReadTime(v, now, ref error); break;
                case "includeSubgroups":
                    if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) error ??= TokenCommands.BadTokenValue;
                    else request.IncludeSubgroups = v.ValueKind == JsonValueKind.True;
                    break;
                default: continue;
            }
            request._present.Add(member.Name);
        }
        return error is null;
    }

    private static string? ReadString(JsonElement v, ref string? error)
    {
        if (v.ValueKind == JsonValueKind.String) return v.GetString();
        error ??= TokenCommands.BadStringValue;
        return null;
    }

    private static IReadOnlyList<string>? ReadStringList(JsonElement v, ref string? error)
    {
        if (v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String))
            return v.EnumerateArray().Select(e => e.GetString()!).ToList();
        error ??= TokenCommands.BadStringList;
        return null;
    }

    private static DateTimeOffset? ReadTime(JsonElement v, DateTimeOffset now, ref string? error)
    {
        if (v.ValueKind == JsonValueKind.String && Rfc3339.TryParse(v.GetString()!, out var time)) return time;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var ms) && double.IsFinite(ms) && Math.Abs(ms) < 1e15)
            return now + TimeSpan.FromMilliseconds(ms);
        error ??= TokenCommands.BadTimeValue;
        return null;
    }
}
