using System.Text.Json.Nodes;
using Tessera.Protocol.Descriptions;

namespace Tessera.Protocol.Config;

/// <summary>
/// The delegated-login settings in force for a group: its own when it sets any of the three,
/// otherwise the server-wide ones from config.json. A group can therefore narrow trust, never
/// widen it silently by inheriting keys it did not ask for.
/// </summary>
/// <remarks>
/// A group with credentials of its own (<c>users</c> or <c>wildcard-user</c>) inherits the
/// server-wide keys but not the server-wide authorisation server or portal: those tell the
/// browser where to log in, and sending a local user there would lock them out (the authorisation
/// server does not know them). Adding single sign-on to a server thus never breaks a group that
/// still uses passwords; such a group opts in by naming the server or portal itself.
/// </remarks>
public sealed record Delegation(IReadOnlyList<JsonObject> AuthKeys, string? AuthServer, string? AuthPortal)
{
    public static Delegation For(GroupDescription group, ServerConfig? config)
    {
        if (group.SetsDelegation || config is null)
            return new Delegation(group.AuthKeys ?? [], NullIfEmpty(group.AuthServer), NullIfEmpty(group.AuthPortal));
        bool ownCredentials = HasOwnCredentials(group);
        return new Delegation(config.AuthKeys ?? [],
                              ownCredentials ? null : NullIfEmpty(config.AuthServer),
                              ownCredentials ? null : NullIfEmpty(config.AuthPortal));
    }

    /// <summary>Whether the group names people who log in with a password here.</summary>
    public static bool HasOwnCredentials(GroupDescription group) => group.Users is { Count: > 0 } || group.WildcardUser is not null;

    /// <summary>
    /// Why nobody can log in to <paramref name="group"/>, or null when someone can: no users, no
    /// wildcard user and no keys to check tokens with (its own or the server's). Only invitation
    /// tokens, created by an operator who is already in, could open it.
    /// </summary>
    public static string? Unreachable(GroupDescription group, ServerConfig? config)
    {
        if (HasOwnCredentials(group) || For(group, config).AuthKeys.Count > 0)
            return null;
        return group.SetsDelegation
            ? "nobody can log in: it has no users, no wildcard-user, and its authKeys are empty"
            : "nobody can log in: it has no users, no wildcard-user, no authKeys, and config.json gives no authKeys either";
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
