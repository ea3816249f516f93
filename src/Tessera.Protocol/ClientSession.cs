using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Tessera.Protocol.Groups;

namespace Tessera.Protocol;

/// <summary>
/// One WebSocket connection's protocol state. Messages from the connection are handled one at a
/// time, in order; other clients reach this one only through the group (under its lock) and
/// through <see cref="Send"/>, which never blocks.
/// </summary>
public sealed class ClientSession : IGroupMember
{
    private readonly IClientTransport _transport;
    private bool _handshakeDone;
    // Made when the client first chats or sets up a file transfer: most members of a large group
    // never do, and each connection's idle memory is what a big group costs.
    private MessageAllowance? _chatAllowance;
    private MessageAllowance? _fileTransferAllowance;

    /// <param name="isPseudo">A member that only publishes (a WHIP encoder): it neither chats nor is acted on.</param>
    public ClientSession(IClientTransport transport, ProtocolServices services, bool isPseudo = false)
    {
        _transport = transport;
        Services = services;
        IsPseudo = isPseudo;
    }

    public ProtocolServices Services { get; }

    public string Id { get; private set; } = "";
    public string Username { get; internal set; } = "";
    public IReadOnlyList<string> Permissions { get; set; } = [];
    public JsonObject Data { get; set; } = new();
    public bool IsPseudo { get; }
    public string RemoteAddress => _transport.RemoteAddress;
    public System.Net.IPAddress RemoteIp => _transport.RemoteIp;

    /// <summary>The group this client is a member of, or null.</summary>
    public Group? Group { get; internal set; }

    /// <summary>The last <c>request</c> map, which media code consults to decide what to push.</summary>
    public JsonObject? Requests { get; internal set; }

    public bool Has(string permission) => Permissions.Contains(permission);

    public void Send(Message message) => _transport.Send(message);

    public void SendError(string text) => Send(Messages.Error(Id, text));

    /// <summary>
    /// The group this client has joined, for a group-scoped message; without one the client is told
    /// to join first and null is returned (no group-scoped message is handled outside a group).
    /// </summary>
    public Group? JoinedGroupOrRefuse()
    {
        if (Group is { } group)
            return group;
        SendError(Texts.JoinFirst);
        return null;
    }

    /// <summary>Handles one incoming message; a violation ends the connection as protocol.md §3.3 says.</summary>
    public async Task HandleAsync(Message message, CancellationToken cancellationToken)
    {
        try
        {
            if (!_handshakeDone)
            {
                Handshake(message);
                return;
            }
            if (message.Type == MessageTypes.Handshake) return; // a repeated handshake changes nothing
            CheckEnvelope(message);
            await Services.Dispatcher.DispatchAsync(this, message, cancellationToken);
        }
        catch (ConnectionEndingException e)
        {
            End(e);
        }
    }

    /// <summary>Ends the connection: the optional notice, then the close frame.</summary>
    public void End(ConnectionEndingException e)
    {
        if (e.NotifyClient) Send(Messages.Error(Id, e.Reason.Text ?? ""));
        _transport.Close(e.Reason);
    }

    /// <summary>The connection is gone: leave the group as if the client had asked.</summary>
    public void Disconnected() => LeaveGroup(notifySelf: false);

    public void Kick(string? byId, string? byUsername, string? message)
    {
        Send(new Message
        {
            Type = MessageTypes.UserMessage,
            Kind = "kicked",
            Id = byId,
            Username = string.IsNullOrEmpty(byUsername) ? null : byUsername,
            Dest = Id,
            Privileged = true,
            Value = message ?? "you have been kicked out",
        });
        var reason = "kicked out" + (message is null ? "" : $" ({message})") + (string.IsNullOrEmpty(byUsername) ? "" : $" by {byUsername}");
        // A close reason is limited to 123 bytes; past that the socket just closes.
        _transport.Close(new CloseReason(CloseReason.Normal, System.Text.Encoding.UTF8.GetByteCount(reason) <= 123 ? reason : null));
        LeaveGroup(notifySelf: false);
    }

    /// <summary>Leaves the current group (protocol.md §4.6). Safe to call twice and from other clients' actions.</summary>
    public void LeaveGroup(bool notifySelf)
    {
        var group = Group;
        if (group is null) return;
        lock (group.Gate)
        {
            if (!group.Remove(this, Services.Time.GetUtcNow())) return;
            Services.Media.MemberLeft(this, group);
            if (notifySelf)
            {
                var config = Services.Registry.Config.TryGet(out _);
                Send(new Message
                {
                    Type = MessageTypes.Joined,
                    Kind = "leave",
                    Group = group.Name,
                    Username = Username,
                    Status = GroupStatus.ForJoined(group, config),
                    Data = group.Data.Count > 0 ? (JsonObject)group.Data.DeepClone() : null,
                    RtcConfiguration = Services.Registry.IceServers.RtcConfiguration(),
                });
            }
            group.Broadcast(Messages.User("delete", this));
            Handlers.RecordingActions.AfterLeave(Services, group);
            Group = null;
            Username = "";
            Permissions = [];
            Data = new JsonObject();
            Requests = null;
        }
        Services.Registry.ApplyOperatorPolicies(group);
    }

    /// <summary>
    /// Whether this client may send one more chat or user message now (a token bucket per
    /// connection). Over the rate the message is dropped and the client told once, not once per
    /// dropped message, so a flood cannot fill its own queue with our answers.
    /// </summary>
    public bool TakeChatAllowance(Config.ServerLimits limits) =>
        (_chatAllowance ??= new(Texts.TooManyMessages)).Take(this, limits.ChatBurst, limits.ChatPerSecond);

    /// <summary>As <see cref="TakeChatAllowance"/>, for file-transfer signalling, which has an allowance of its own.</summary>
    public bool TakeFileTransferAllowance(Config.ServerLimits limits) =>
        (_fileTransferAllowance ??= new(Texts.TooManyFileTransferMessages)).Take(this, limits.FileTransferBurst, limits.FileTransferPerSecond);

    private void Handshake(Message message)
    {
        if (message.Type != MessageTypes.Handshake)
            throw new ConnectionEndingException(new CloseReason(CloseReason.ProtocolError, "you must handshake first"), false);
        if (message.Id?.Length > Config.ServerLimits.MaxNameLength)
            throw ConnectionEndingException.Protocol("client id too long");
        if (message.Source is not null && message.Id is not null && message.Source != message.Id)
            throw ConnectionEndingException.Protocol("spoofed client id");
        Id = message.Id ?? "";
        _handshakeDone = true;
        Send(new Message { Type = MessageTypes.Handshake, Version = ["2"] });
        if (message.Version is null || !message.Version.Contains("2"))
            Send(Messages.Warning(Id, "Unknown protocol version: your client may need upgrading"));
    }

    private void CheckEnvelope(Message message)
    {
        // Names a client chooses and others see: bounded, so none can be used to ship megabytes
        // to every member. The join's username is a credential and is checked by the join.
        var tooLong = TooLong(message.Id) ?? TooLong(message.Dest) ?? TooLong(message.Kind) ?? TooLong(message.Label) ??
                      TooLong(message.Group) ?? TooLong(message.Replace) ??
                      (message.Type == MessageTypes.Join ? null : TooLong(message.Username));
        if (tooLong is not null) throw ConnectionEndingException.Protocol($"{tooLong} too long");
        if (message.Source is not null && message.Source != Id)
            throw ConnectionEndingException.Protocol("spoofed client id");
        // The username of a join is a credential, not a claim about the connection.
        if (message.Type != MessageTypes.Join && message.Username is not null && message.Username != Username)
            throw ConnectionEndingException.Protocol("spoofed username");
    }

    private static string? TooLong(string? value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string field = "") =>
        value?.Length > Config.ServerLimits.MaxNameLength ? field["message.".Length..].ToLowerInvariant() : null;
}
