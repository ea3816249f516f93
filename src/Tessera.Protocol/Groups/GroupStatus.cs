using System.Text.Json.Nodes;
using Tessera.Protocol.Config;
using Tessera.Protocol.Descriptions;

namespace Tessera.Protocol.Groups;

/// <summary>The group status object of http.md §7.1 and its joined variant (protocol.md §4.4).</summary>
public static class GroupStatus
{
    /// <summary>For <c>.status</c> and <c>public-groups.json</c>.</summary>
    public static JsonObject ForHttp(string name, GroupDescription d, ServerConfig? config,
                                     string location, string endpoint, int clientCount, bool locked)
    {
        if (!string.IsNullOrEmpty(d.Redirect)) return RedirectForm(name, d);
        var status = new JsonObject { ["name"] = name, ["location"] = location, ["endpoint"] = endpoint };
        AddCommon(status, d, config);
        if (d.Public)
        {
            if (locked) status["locked"] = true;
            status["clientCount"] = clientCount;
        }
        return status;
    }

    /// <summary>For <c>joined</c> messages: no location or endpoint, always a client count, lock shown to members.</summary>
    public static JsonObject ForJoined(Group group, ServerConfig? config)
    {
        var d = group.Description;
        if (!string.IsNullOrEmpty(d.Redirect)) return RedirectForm(group.Name, d);
        var status = new JsonObject { ["name"] = group.Name };
        AddCommon(status, d, config);
        if (group.Locked) status["locked"] = true;
        if (config?.WritableGroups == true) status["canChangePassword"] = true;
        status["clientCount"] = group.Count;
        return status;
    }

    private static void AddCommon(JsonObject status, GroupDescription d, ServerConfig? config)
    {
        if (!string.IsNullOrEmpty(d.DisplayName)) status["displayName"] = d.DisplayName;
        if (!string.IsNullOrEmpty(d.Description)) status["description"] = d.Description;
        var delegation = Delegation.For(d, config);
        if (delegation.AuthServer is not null) status["authServer"] = delegation.AuthServer;
        if (delegation.AuthPortal is not null) status["authPortal"] = delegation.AuthPortal;
    }

    private static JsonObject RedirectForm(string name, GroupDescription d)
    {
        var status = new JsonObject { ["name"] = name, ["redirect"] = d.Redirect };
        if (!string.IsNullOrEmpty(d.DisplayName)) status["displayName"] = d.DisplayName;
        if (!string.IsNullOrEmpty(d.Description)) status["description"] = d.Description;
        return status;
    }
}
