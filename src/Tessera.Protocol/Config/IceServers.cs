using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Tessera.Protocol.Config;

/// <summary>
/// The <c>rtcConfiguration</c> sent with <c>joined</c>, built from <c>data/ice-servers.json</c>
/// (files.md §9): re-read at most every 5 minutes, hmac-sha1 entries turned into time-limited
/// TURN credentials, unparsable entries logged and skipped; then the server's own entries (the
/// built-in TURN server). The one place that builds the ICE server list, for every client.
/// </summary>
public sealed class IceServers
{
    private static readonly TimeSpan RereadAfter = TimeSpan.FromMinutes(5);
    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly bool _relayOnly;
    private readonly IReadOnlyList<IceServerEntry> _own;
    private readonly object _gate = new();
    private JsonArray? _raw;
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    /// <param name="own">Entries of this server's own (the built-in TURN server), given after the file's.</param>
    public IceServers(string dataDirectory, TimeProvider time, ILogger logger, bool relayOnly = false, IReadOnlyList<IceServerEntry>? own = null)
    {
        _own = own ?? [];
        _path = Path.Combine(dataDirectory, "ice-servers.json");
        _time = time;
        _logger = logger;
        _relayOnly = relayOnly;
    }

    public JsonObject RtcConfiguration()
    {
        var now = _time.GetUtcNow();
        var servers = new JsonArray();
        foreach (var entry in Raw(now))
            if (Convert(entry, now) is { } server) servers.Add(server);
        foreach (var entry in _own)
            servers.Add(new JsonObject
            {
                ["urls"] = new JsonArray(entry.Urls.Select(u => (JsonNode?)JsonValue.Create(u)).ToArray()),
                ["username"] = entry.Username,
                ["credential"] = entry.Credential,
            });
        var config = new JsonObject { ["iceServers"] = servers };
        if (_relayOnly) config["iceTransportPolicy"] = "relay";
        return config;
    }

    private List<JsonObject> Raw(DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_raw is null || now - _readAt > RereadAfter)
            {
                _readAt = now;
                try
                {
                    _raw = File.Exists(_path) ? JsonNode.Parse(File.ReadAllBytes(_path)) as JsonArray ?? throw new JsonException("not an array") : [];
                }
                catch (Exception e) when (e is JsonException or IOException)
                {
                    _logger.LogError("{Path}: {Error}", _path, e.Message);
                    _raw ??= [];
                }
            }
            return _raw.OfType<JsonObject>().ToList();
        }
    }

    private JsonObject? Convert(JsonObject entry, DateTimeOffset now)
    {
        if (entry["urls"] is not JsonArray urls || urls.Count == 0)
        {
            _logger.LogWarning("ice-servers.json: entry without urls skipped");
            return null;
        }
        var type = (entry["credentialType"] as JsonValue)?.GetValue<string>() ?? "";
        var server = new JsonObject { ["urls"] = urls.DeepClone() };
        var username = (entry["username"] as JsonValue)?.GetValue<string>();
        switch (type)
        {
            case "" or "password":
                if (username is not null) server["username"] = username;
                if (entry["credential"] is { } c) server["credential"] = c.DeepClone();
                break;
            case "oauth":
                if (username is not null) server["username"] = username;
                if (entry["credential"] is { } o) server["credential"] = o.DeepClone();
                server["credentialType"] = "oauth";
                break;
            case "hmac-sha1":
                if ((entry["credential"] as JsonValue)?.GetValue<string>() is not { } secret)
                {
                    _logger.LogWarning("ice-servers.json: hmac-sha1 entry without a string credential skipped");
                    return null;
                }
                var expiry = now.ToUnixTimeSeconds() + 86400;
                var user = string.IsNullOrEmpty(username) ? $"{expiry}" : $"{expiry}:{username}";
                server["username"] = user;
                server["credential"] = System.Convert.ToBase64String(
                    HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(user)));
                break;
            default:
                _logger.LogWarning("ice-servers.json: unknown credentialType '{Type}' skipped", type);
                return null;
        }
        return server;
    }
}
