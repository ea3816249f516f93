using System.Text.Json.Nodes;
using Tessera.Protocol.Config;
using Tessera.Protocol.Groups;

namespace Tessera.Protocol;

/// <summary>Builders for the messages the server originates (protocol.md §4, §10).</summary>
public static class Messages
{
    public static Message Joined(string kind, Group group, IGroupMember member, ServerConfig? config,
                                 JsonObject rtcConfiguration, bool includeData = true) => new()
    {
        Type = MessageTypes.Joined,
        Kind = kind,
        Group = group.Name,
        Username = member.Username,
        Permissions = member.Permissions.Count > 0 ? member.Permissions.ToArray() : null,
        Status = GroupStatus.ForJoined(group, config),
        Data = includeData && group.Data.Count > 0 ? (JsonObject)group.Data.DeepClone() : null,
        // Shared, not copied: nothing changes it once built, and a change notice sends one to every member.
        RtcConfiguration = rtcConfiguration,
    };

    public static Message JoinFailed(string group, string username, string text, string? error = null) => new()
    {
        Type = MessageTypes.Joined,
        Kind = "fail",
        Group = group,
        Username = username,
        Value = text,
        Error = error,
    };

    public static Message User(string kind, IGroupMember member) => new()
    {
        Type = MessageTypes.User,
        Kind = kind,
        Id = member.Id,
        Username = member.Username,
        Permissions = kind != "delete" && member.Permissions.Count > 0 ? member.Permissions.ToArray() : null,
        Data = kind != "delete" && member.Data.Count > 0 ? (JsonObject)member.Data.DeepClone() : null,
    };

    /// <summary>A privileged notice for one client: error, warning, info, kicked, clearchat…</summary>
    public static Message Notice(string kind, string? dest, JsonNode? value) => new()
    {
        Type = MessageTypes.UserMessage,
        Kind = kind,
        Dest = dest,
        Privileged = true,
        Value = value,
    };

    public static Message Error(string dest, string text) => Notice("error", dest, text);
    public static Message Warning(string dest, string text) => Notice("warning", dest, text);

    /// <summary>Galène's time format: second precision, the server's local offset.</summary>
    public static string Time(DateTimeOffset now) =>
        now.ToLocalTime().ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
}
