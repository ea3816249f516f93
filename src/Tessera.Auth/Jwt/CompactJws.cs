using System.Text;
using System.Text.Json;
using Tessera.Auth.Jwk;

namespace Tessera.Auth.Jwt;

/// <summary>
/// The structural decoding of a compact JWS (auth.md §5.1), without any key. Owns two JSON
/// documents; dispose it when done.
/// </summary>
internal sealed class CompactJws : IDisposable
{
    /// <summary>Tokens above this size are refused before any decoding (real ones are well under 2 KiB).</summary>
    public const int MaxLength = 16 * 1024;

    private JsonDocument? _header;
    private JsonDocument? _payload;

    private CompactJws() { }

    /// <summary>Set when the string is not a JWT at all (it may still be a stateful token name).</summary>
    public string? MalformedReason { get; private init; }

    /// <summary>Set when the string is a JWT whose header already disqualifies it.</summary>
    public string? FailedReason { get; private set; }

    public string Algorithm { get; private set; } = "";

    /// <summary><c>kid</c> when a non-empty string, else null (§5.3: anything else counts as absent).</summary>
    public string? KeyId { get; private set; }

    public JsonElement Header => _header?.RootElement ?? default;

    /// <summary>The claims; <c>Undefined</c> when the payload was JSON <c>null</c>.</summary>
    public JsonElement Payload => _payload?.RootElement ?? default;

    public byte[] SigningInput { get; private set; } = [];
    public byte[] Signature { get; private set; } = [];

    public static CompactJws Parse(string token)
    {
        var text = token.AsSpan().Trim();
        if (text.Length > MaxLength) return new CompactJws { MalformedReason = "token longer than 16 KiB" };
        var dots = text.Count('.');
        if (dots != 2) return new CompactJws { MalformedReason = dots > 2 ? "too many dots" : "not three parts" };

        var firstDot = text.IndexOf('.');
        var secondDot = firstDot + 1 + text[(firstDot + 1)..].IndexOf('.');
        var result = new CompactJws();
        try
        {
            result._header = DecodeObject(text[..firstDot]);
            result._payload = DecodeObject(text[(firstDot + 1)..secondDot]);
        }
        catch (FormatException e)
        {
            result.Dispose();
            return new CompactJws { MalformedReason = e.Message };
        }

        result.SigningInput = Encoding.ASCII.GetBytes(text[..secondDot].ToString());
        var header = result.Header;
        var alg = header.ValueKind == JsonValueKind.Object && header.TryGetProperty("alg", out var a) &&
                  a.ValueKind == JsonValueKind.String ? a.GetString() : null;
        // §5.1: the signature is decoded only for a registered alg, so a missing or unknown alg
        // makes a failed JWT whatever the third part holds.
        if (!JwsAlgorithm.IsRegistered(alg))
        {
            result.FailedReason = alg is null ? "header has no string alg" : "unregistered alg";
            return result;
        }
        result.Algorithm = alg!;

        var signature = Base64UrlStrict.TryDecode(text[(secondDot + 1)..]);
        if (signature is null && Base64UrlStrict.IsNonCanonical(text[(secondDot + 1)..]))
        {
            // A JWT whose signature was tampered with in its last character: refused as a JWT.
            result.FailedReason = "bad signature (non-canonical base64url)";
            return result;
        }
        if (signature is null)
        {
            result.Dispose();
            return new CompactJws { MalformedReason = "signature is not unpadded base64url" };
        }
        result.Signature = signature;
        if (header.TryGetProperty("kid", out var kid) && kid.ValueKind == JsonValueKind.String && kid.GetString() != "")
            result.KeyId = kid.GetString();
        return result;
    }

    /// <summary>Unpadded base64url of a JSON object (or <c>null</c>); duplicate member names are refused.</summary>
    private static JsonDocument? DecodeObject(ReadOnlySpan<char> part)
    {
        var bytes = Base64UrlStrict.TryDecode(part) ?? throw new FormatException("segment is not unpadded base64url");
        // JSON text is UTF-8 (RFC 8259 §8.1); the parser checks strings only when they are read,
        // so a bad byte sequence inside one would surface later as an exception, not a refusal.
        if (!System.Text.Unicode.Utf8.IsValid(bytes)) throw new FormatException("segment is not UTF-8");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, JsonWebKeyParser.StrictJson);
        }
        catch (JsonException)
        {
            throw new FormatException("segment is not a JSON object (or has duplicate members)");
        }
        if (document.RootElement.ValueKind == JsonValueKind.Object) return document;
        var isNull = document.RootElement.ValueKind == JsonValueKind.Null;
        document.Dispose();
        return isNull ? null : throw new FormatException("segment is not a JSON object");
    }

    public void Dispose()
    {
        _header?.Dispose();
        _payload?.Dispose();
    }
}
