using System.Security.Cryptography;
using Tessera.Auth.Permissions;
using Tessera.Protocol.Groups;

namespace Tessera.Protocol.Handlers;

/// <summary>
/// <c>chat</c> and <c>usermessage</c> (protocol.md §6). The server stamps the sender's
/// authenticated id and username, so a message can never arrive anonymously or forged.
/// </summary>
public sealed class ChatHandler : IMessageHandler
{
    public IReadOnlyCollection<string> Types { get; } = [MessageTypes.Chat, MessageTypes.UserMessage];

    /// <summary>The user-message kind of peer-to-peer file-transfer signalling (protocol.md §13).</summary>
    public const string FileTransferKind = "filetransfer";

    public ValueTask HandleAsync(ClientSession session, Message message, CancellationToken cancellationToken)
    {
        if (session.JoinedGroupOrRefuse() is not { } group)
            return ValueTask.CompletedTask;
        var isChat = message.Type == MessageTypes.Chat;
        var needed = isChat && message.Kind == "caption" ? PermissionNames.Caption : PermissionNames.Message;
        if (!session.Has(needed))
        {
            session.SendError(Texts.NotAuthorised);
            return ValueTask.CompletedTask;
        }

        var limits = session.Services.Limits;
        var size = message.Value is null ? 0 : System.Text.Encoding.UTF8.GetByteCount(message.Value.ToJsonString());
        if (size > limits.MaxChatBytes)
        {
            session.SendError(Texts.MessageTooLong(size, limits.MaxChatBytes));
            return ValueTask.CompletedTask;
        }
        var broadcast = string.IsNullOrEmpty(message.Dest);
        // File-transfer signalling goes to one peer and comes in bursts (a candidate per network
        // path per file): it must not spend, nor be cut by, the chat allowance.
        var fileTransfer = !isChat && !broadcast && message.Kind == FileTransferKind;
        if (!(fileTransfer ? session.TakeFileTransferAllowance(limits) : session.TakeChatAllowance(limits)))
            return ValueTask.CompletedTask;

        var now = session.Services.Time.GetUtcNow();
        var forwarded = new Message
        {
            Type = message.Type,
            Id = message.Id ?? (isChat && broadcast ? NewMessageId() : null),
            Source = session.Id,
            Dest = broadcast ? null : message.Dest,
            Username = session.Username == "" ? null : session.Username,
            Kind = message.Kind,
            Value = message.Value?.DeepClone(),
            NoEcho = message.NoEcho,
            Privileged = session.Has(PermissionNames.Op),
            Time = Messages.Time(now),
        };

        lock (group.Gate)
        {
            if (session.Group != group) return ValueTask.CompletedTask; // left meanwhile
            if (broadcast)
            {
                if (isChat)
                    group.History.Add(new ChatEntry(forwarded.Id, forwarded.Source, forwarded.Username, now,
                                                    forwarded.Kind, forwarded.Value?.DeepClone()), size, limits.HistoryBytes);
                group.Broadcast(forwarded, except: message.NoEcho ? session : null);
            }
            else if (group.Member(message.Dest!) is not { } target)
            {
                session.SendError("user unknown");
            }
            else if (target.IsPseudo)
            {
                session.SendError("this user doesn't chat");
            }
            else
            {
                target.Send(forwarded);
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>8 random bytes, base64url without padding, as Galène's ids.</summary>
    public static string NewMessageId() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(8));
}
