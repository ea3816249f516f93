using System.Text.Json.Nodes;
using Tessera.Auth.Permissions;

namespace Tessera.Protocol.Groups;

/// <summary>
/// The recorder pseudo-member (protocol.md §4.5): present in the group while it is recorded, so
/// every member sees recording is on (user <c>RECORDING</c>, permissions <c>["system"]</c>).
/// Kicking it stops the recording, as does <c>unrecord</c> or the last person leaving.
/// </summary>
public sealed class RecorderMember : IGroupMember
{
    public const string RecorderUsername = "RECORDING";

    private readonly Action<RecorderMember, string?> _removed;

    /// <param name="removed">Takes the recorder out of its group (with an optional reason for the operators).</param>
    public RecorderMember(string id, Group group, Action<RecorderMember, string?> removed)
    {
        Id = id;
        Group = group;
        _removed = removed;
    }

    public string Id { get; }
    public Group Group { get; }
    public string Username => RecorderUsername;
    public IReadOnlyList<string> Permissions { get; set; } = [PermissionNames.System];
    public JsonObject Data { get; set; } = new();
    public bool IsPseudo => true;
    public string RemoteAddress => "";

    /// <summary>A recorder receives nothing.</summary>
    public void Send(Message message) { }

    public void Kick(string? byId, string? byUsername, string? message) => _removed(this, null);

    /// <summary>Recording stopped on its own (the disk failed): tell the operators why.</summary>
    public void Fail(string reason) => _removed(this, reason);
}
