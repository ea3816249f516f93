using System.Text.Json.Serialization;

namespace Tessera.Protocol.Config;

/// <summary>
/// How much any one client can make the server hold or relay (README, "Limits"). Every bound
/// a client could otherwise push up lives here, so the memory a misbehaving client costs is
/// the sum of these numbers, not whatever it chose to send.
/// </summary>
public sealed record ServerLimits
{
    public static readonly ServerLimits Default = new();

    /// <summary>
    /// Ids, usernames, labels, kinds and destinations: a client picks them and the server echoes
    /// them to every member. Galène's own clients use ids of about 20 characters.
    /// </summary>
    public const int MaxNameLength = 256;

    /// <summary>
    /// Longest chat or user message, as the UTF-8 JSON of its value. 16 KiB is several pages of
    /// text: chat is for talking, files go by file transfer.
    /// </summary>
    public int MaxChatBytes { get; init; } = 16 * 1024;

    /// <summary>Chat and user messages a client may send at once, before the steady rate applies.</summary>
    public int ChatBurst { get; init; } = 20;

    /// <summary>Chat and user messages per second a client regains once its burst is spent.</summary>
    public double ChatPerSecond { get; init; } = 5;

    /// <summary>
    /// File-transfer signalling (private <c>usermessage</c>s of kind <c>filetransfer</c>) a client may
    /// send at once, on an allowance of its own: setting up one transfer takes an invitation, an
    /// offer or answer and a candidate per network path, so a few files sent together would spend
    /// the chat allowance and break silently.
    /// </summary>
    public int FileTransferBurst { get; init; } = 200;

    /// <summary>File-transfer messages per second a client regains once that burst is spent.</summary>
    public double FileTransferPerSecond { get; init; } = 20;

    /// <summary>Bytes of chat history a group keeps (on top of Galène's 50 messages); oldest go first.</summary>
    public int HistoryBytes { get; init; } = 256 * 1024;

    /// <summary>Bytes queued towards one client before it is judged not to be reading and dropped.</summary>
    public long ClientQueueBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// Bytes queued towards all clients together. Past it, a client with more than
    /// <see cref="FairQueueBytes"/> waiting is dropped at its next message; clients that keep
    /// up are never the ones dropped.
    /// </summary>
    public long ServerQueueBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>What a client that keeps up may have queued even when the server-wide total is over.</summary>
    public const long FairQueueBytes = 64 * 1024;
}

/// <summary>The <c>limits</c> key of <c>config.json</c>: every field optional.</summary>
public sealed record LimitsSettings
{
    [JsonPropertyName("maxChatBytes")] public int? MaxChatBytes { get; init; }
    [JsonPropertyName("chatBurst")] public int? ChatBurst { get; init; }
    [JsonPropertyName("chatPerSecond")] public double? ChatPerSecond { get; init; }
    [JsonPropertyName("fileTransferBurst")] public int? FileTransferBurst { get; init; }
    [JsonPropertyName("fileTransferPerSecond")] public double? FileTransferPerSecond { get; init; }
    [JsonPropertyName("historyBytes")] public int? HistoryBytes { get; init; }
    [JsonPropertyName("clientQueueBytes")] public long? ClientQueueBytes { get; init; }
    [JsonPropertyName("serverQueueBytes")] public long? ServerQueueBytes { get; init; }

    /// <summary>What is wrong, naming the field, or null. History must fit well inside a client's queue.</summary>
    public string? Problem()
    {
        var limits = ApplyTo(ServerLimits.Default);
        if (MaxChatBytes is < 256 or > 1024 * 1024) return "maxChatBytes must be between 256 and 1048576";
        if (ChatBurst is < 1) return "chatBurst must be at least 1";
        if (ChatPerSecond is { } r && !(r > 0 && double.IsFinite(r))) return "chatPerSecond must be a positive number";
        if (FileTransferBurst is < 1) return "fileTransferBurst must be at least 1";
        if (FileTransferPerSecond is { } f && !(f > 0 && double.IsFinite(f))) return "fileTransferPerSecond must be a positive number";
        if (ClientQueueBytes is < 256 * 1024) return "clientQueueBytes must be at least 262144";
        if (HistoryBytes is < 0 || limits.HistoryBytes > limits.ClientQueueBytes / 4)
            return "historyBytes must be between 0 and a quarter of clientQueueBytes";
        if (limits.MaxChatBytes > limits.ClientQueueBytes / 4) return "maxChatBytes must be at most a quarter of clientQueueBytes";
        if (ServerQueueBytes is { } total && total < limits.ClientQueueBytes) return "serverQueueBytes must be at least clientQueueBytes";
        return null;
    }

    public ServerLimits ApplyTo(ServerLimits l) => l with
    {
        MaxChatBytes = MaxChatBytes ?? l.MaxChatBytes,
        ChatBurst = ChatBurst ?? l.ChatBurst,
        ChatPerSecond = ChatPerSecond ?? l.ChatPerSecond,
        FileTransferBurst = FileTransferBurst ?? l.FileTransferBurst,
        FileTransferPerSecond = FileTransferPerSecond ?? l.FileTransferPerSecond,
        HistoryBytes = HistoryBytes ?? l.HistoryBytes,
        ClientQueueBytes = ClientQueueBytes ?? l.ClientQueueBytes,
        ServerQueueBytes = ServerQueueBytes ?? l.ServerQueueBytes,
    };
}
