using System.Text.Json.Nodes;
using Tessera.Protocol.Descriptions;

namespace Tessera.Protocol.Config;

/// <summary>
/// The delegated-login settings in force for a group: its own when it sets any of the three,
/// otherwise the server-wide ones from config.json. A group can therefore narrow trust, never
/// widen it silently by inheriting keys it did not ask for.
/// </summary>
public sealed record Delegation(IReadOnlyList<JsonObject> AuthKeys, string? AuthServer, string? AuthPortal)
{
    public static Delegation For(GroupDescription group, ServerConfig? config)
    {
        if (group.SetsDelegation || config is null)
            return new Delegation(group.AuthKeys ?? [], NullIfEmpty(group.AuthServer), NullIfEmpty(group.AuthPortal));
        return new Delegation(config.AuthKeys ?? [], NullIfEmpty(config.AuthServer), NullIfEmpty(config.AuthPortal));
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
