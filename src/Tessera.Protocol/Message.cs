using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Tessera.Protocol;

/// <summary>
/// The protocol's single envelope (protocol.md §2). Null fields are not sent; the server never
/// sends empty strings or false flags except where the spec says "always" (then set "" explicitly).
/// </summary>
public sealed record Message
{
    [JsonPropertyName("type")] public string Type { get; init; } = "";
    [JsonPropertyName("kind")] public string? Kind { get; init; }
    [JsonPropertyName("version")] public IReadOnlyList<string>? Version { get; init; }
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("source")] public string? Source { get; init; }
    [JsonPropertyName("dest")] public string? Dest { get; init; }
    [JsonPropertyName("username")] public string? Username { get; init; }
    [JsonPropertyName("password")] public string? Password { get; init; }
    [JsonPropertyName("token")] public string? Token { get; init; }
    [JsonPropertyName("group")] public string? Group { get; init; }
    [JsonPropertyName("privileged")] public bool Privileged { get; init; }
    [JsonPropertyName("permissions")] public IReadOnlyList<string>? Permissions { get; init; }
    [JsonPropertyName("status")] public JsonObject? Status { get; init; }
    [JsonPropertyName("data")] public JsonObject? Data { get; init; }
    [JsonPropertyName("value")] public JsonNode? Value { get; init; }
    [JsonPropertyName("error")] public string? Error { get; init; }
    [JsonPropertyName("noecho")] public bool NoEcho { get; init; }
    [JsonPropertyName("time")] public string? Time { get; init; }
    [JsonPropertyName("replace")] public string? Replace { get; init; }
    [JsonPropertyName("label")] public string? Label { get; init; }
    [JsonPropertyName("sdp")] public string? Sdp { get; init; }
    [JsonPropertyName("candidate")] public JsonObject? Candidate { get; init; }
    [JsonPropertyName("request")] public JsonNode? Request { get; init; }
    [JsonPropertyName("rtcConfiguration")] public JsonObject? RtcConfiguration { get; init; }

    /// <summary>Never print passwords or tokens.</summary>
    public override string ToString() => $"Message(type={Type}, kind={Kind})";
}

public static class MessageTypes
{
    public const string Handshake = "handshake";
    public const string Ping = "ping";
    public const string Pong = "pong";
    public const string Join = "join";
    public const string Joined = "joined";
    public const string User = "user";
    public const string Chat = "chat";
    public const string ChatHistory = "chathistory";
    public const string UserMessage = "usermessage";
    public const string GroupAction = "groupaction";
    public const string UserAction = "useraction";
    public const string Request = "request";
    public const string RequestStream = "requestStream";
    public const string Offer = "offer";
    public const string Answer = "answer";
    public const string Renegotiate = "renegotiate";
    public const string Close = "close";
    public const string Abort = "abort";
    public const string Ice = "ice";
}
