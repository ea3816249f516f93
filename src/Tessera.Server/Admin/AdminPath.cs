namespace Tessera.Server.Admin;

/// <summary>What an administrative API path names (http.md §10.2).</summary>
public enum AdminResource
{
    /// <summary>Not a route of the API: plain-text 404.</summary>
    None,
    Stats,
    GroupList,
    Group,
    UserList,
    /// <summary>A named user, the empty user (<c>.empty-user</c>) or the wildcard user.</summary>
    User,
    Password,
    TokenList,
    Token,
    Keys,
    /// <summary><c>.cluster</c>: the nodes of a cluster and what this node hosts (Tessera's own).</summary>
    Cluster,
    /// <summary><c>.cluster/NODE/.drain</c>: stop placing new groups on a node (Tessera's own).</summary>
    ClusterDrain,
    /// <summary>A dotted sub-resource of a group that does not exist: 401, or 404 once authenticated.</summary>
    UnknownGroupPart,
}

/// <summary>Which entry of a group a user route names.</summary>
public enum UserSlot
{
    Named,
    Empty,
    Wildcard,
}

/// <summary>
/// A parsed API path. The group name runs from <c>.groups/</c> to the next segment starting with a
/// dot, and a username likewise after <c>.users/</c>, so names containing such a segment are not
/// addressable (as in Galène). <see cref="Group"/> is <c>""</c> for the global token collection.
/// </summary>
public sealed record AdminPath(AdminResource Resource, string Group = "", UserSlot Slot = UserSlot.Named,
                               string Username = "", string Token = "", string Node = "")
{
    public const string Prefix = "/galene-api/v0/";

    public bool IsServerWide => Resource is AdminResource.Stats or AdminResource.GroupList or AdminResource.Cluster or AdminResource.ClusterDrain ||
                                (Resource is AdminResource.TokenList or AdminResource.Token && Group == "");

    public static AdminPath Parse(string path)
    {
        if (!path.StartsWith(Prefix, StringComparison.Ordinal)) return new(AdminResource.None);
        var rest = path[Prefix.Length..];
        if (rest == ".stats") return new(AdminResource.Stats);
        if (rest == ".cluster") return new(AdminResource.Cluster);
        if (rest.StartsWith(".cluster/", StringComparison.Ordinal) && rest.EndsWith("/.drain", StringComparison.Ordinal)
            && rest[".cluster/".Length..^"/.drain".Length] is { Length: > 0 } node && !node.Contains('/'))
            return new(AdminResource.ClusterDrain, Node: node);
        if (rest is ".groups" or ".groups/") return new(AdminResource.GroupList);
        if (!rest.StartsWith(".groups/", StringComparison.Ordinal)) return new(AdminResource.None);
        var segments = rest[".groups/".Length..].Split('/');

        var i = 0;
        while (i < segments.Length && !segments[i].StartsWith('.')) i++;
        var group = string.Join('/', segments[..i]);
        var tail = segments[i..];
        if (tail.Length == 0) return group == "" ? new(AdminResource.None) : new(AdminResource.Group, group);

        switch (tail[0])
        {
            case ".tokens" when tail.Length == 2 && tail[1] == "":
                return new(AdminResource.TokenList, group);
            case ".tokens" when tail.Length == 2:
                return new(AdminResource.Token, group, Token: tail[1]);
        }
        if (group == "") return new(AdminResource.None);
        switch (tail[0])
        {
            case ".keys" when tail.Length == 1:
                return new(AdminResource.Keys, group);
            case ".empty-user" or ".wildcard-user":
                var slot = tail[0] == ".empty-user" ? UserSlot.Empty : UserSlot.Wildcard;
                if (tail.Length == 1) return new(AdminResource.User, group, slot);
                if (tail.Length == 2 && tail[1] == ".password") return new(AdminResource.Password, group, slot);
                return new(AdminResource.None);
            case ".users":
                if (tail.Length == 1) return new(AdminResource.None); // ".users" without its slash
                if (tail.Length == 2 && tail[1] == "") return new(AdminResource.UserList, group);
                var j = 1;
                while (j < tail.Length && !tail[j].StartsWith('.')) j++;
                var username = string.Join('/', tail[1..j]);
                if (username == "") return new(AdminResource.None);
                if (j == tail.Length) return new(AdminResource.User, group, UserSlot.Named, username);
                if (j == tail.Length - 1 && tail[j] == ".password") return new(AdminResource.Password, group, UserSlot.Named, username);
                return new(AdminResource.None);
            default:
                return new(AdminResource.UnknownGroupPart, group);
        }
    }
}
