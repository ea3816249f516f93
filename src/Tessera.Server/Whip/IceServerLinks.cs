using System.Text;
using System.Text.Json.Nodes;

namespace Tessera.Server.Whip;

/// <summary>
/// The <c>Link: &lt;url&gt;; rel="ice-server"</c> headers of a WHIP answer (RFC 9725 §4.6, http.md §12),
/// made from the same <c>rtcConfiguration</c> a browser member gets in <c>joined</c>, so every ICE
/// server added there reaches encoders too.
/// </summary>
public static class IceServerLinks
{
    public static IReadOnlyList<string> From(JsonObject rtcConfiguration)
    {
        var links = new List<string>();
        if (rtcConfiguration["iceServers"] is not JsonArray servers) return links;
        foreach (var server in servers.OfType<JsonObject>())
        {
            var urls = server["urls"] switch
            {
                JsonArray array => array.Select(u => (u as JsonValue)?.TryGetValue<string>(out var s) == true ? s : null).OfType<string>().ToList(),
                JsonValue one when one.TryGetValue<string>(out var s) => [s],
                _ => [],
            };
            var username = (server["username"] as JsonValue)?.TryGetValue<string>(out var u) == true ? u : null;
            var credential = (server["credential"] as JsonValue)?.TryGetValue<string>(out var c) == true ? c : null;
            foreach (var url in urls)
            {
                if (url.Contains('>') || url.Contains('\r') || url.Contains('\n')) continue; // cannot be written as a link target
                if (url.StartsWith("stun:", StringComparison.OrdinalIgnoreCase) || url.StartsWith("stuns:", StringComparison.OrdinalIgnoreCase))
                {
                    links.Add($"<{url}>; rel=\"ice-server\"");
                }
                else if (url.StartsWith("turn:", StringComparison.OrdinalIgnoreCase) || url.StartsWith("turns:", StringComparison.OrdinalIgnoreCase))
                {
                    // Only password credentials can be expressed in a Link header; OAuth entries are skipped.
                    if (credential is null || server["credentialType"] is JsonValue type && type.ToString() != "password") continue;
                    links.Add($"<{url}>; rel=\"ice-server\"; username={Quoted(username ?? "")}; credential={Quoted(credential)}; credential-type=\"password\"");
                }
            }
        }
        return links;
    }

    /// <summary>An HTTP quoted string (RFC 9110 §5.6.4); control characters, which a header cannot carry, are dropped.</summary>
    private static string Quoted(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var ch in value)
        {
            if (char.IsControl(ch)) continue;
            if (ch is '"' or '\\') text.Append('\\');
            text.Append(ch);
        }
        return text.Append('"').ToString();
    }
}
