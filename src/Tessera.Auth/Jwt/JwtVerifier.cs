using System.Text.Json;
using Tessera.Auth.Jwk;

namespace Tessera.Auth.Jwt;

/// <summary>
/// Checks a JWT presented to join a group (auth.md §5): structure, key selection by the key's
/// declared <c>alg</c> and <c>kid</c>, signature, time claims with a 5 s leeway, audience, and
/// the claims that become the username and permissions. Stateless and thread-safe; pass keys
/// that were parsed once (they hold the imported crypto objects).
/// </summary>
public static class JwtVerifier
{
    public static readonly TimeSpan Leeway = TimeSpan.FromSeconds(5);

    /// <summary>
    /// False when the string is not a JWT at all (§5.1), so the caller should look it up in the
    /// stateful token store; true means only this verifier may decide.
    /// </summary>
    public static bool IsJwtShaped(string token)
    {
        using var jws = CompactJws.Parse(token);
        return jws.MalformedReason is null;
    }

    /// <summary>The header's <c>kid</c> (non-empty string) of a JWT-shaped token, else null; for key-set lookups.</summary>
    public static string? PeekKeyId(string token)
    {
        using var jws = CompactJws.Parse(token);
        return jws.MalformedReason is null && jws.FailedReason is null ? jws.KeyId : null;
    }

    public static JwtVerificationResult Verify(string token, IReadOnlyList<JsonWebKey> keys, string groupName,
                                               string? canonicalHost, TimeProvider time) =>
        Verify(token, keys, groupName, canonicalHost, time.GetUtcNow());

    /// <param name="token">The token as received; surrounding whitespace is ignored.</param>
    /// <param name="keys">The group's keys in configuration order (invalid ones included: selecting one fails the token).</param>
    /// <param name="groupName">The group being joined.</param>
    /// <param name="canonicalHost"><c>config.json</c>'s <c>canonicalHost</c>, or null to accept any host in <c>aud</c>.</param>
    /// <param name="now">The server's clock.</param>
    public static JwtVerificationResult Verify(string token, IReadOnlyList<JsonWebKey> keys, string groupName,
                                               string? canonicalHost, DateTimeOffset now)
    {
        using var jws = CompactJws.Parse(token);
        if (jws.MalformedReason is not null) return JwtVerificationResult.Malformed(jws.MalformedReason);
        // What the header says, for audit lines and metrics (never the token itself).
        return VerifyParsed(jws, keys, groupName, canonicalHost, now) with
        {
            Algorithm = jws.FailedReason is null ? jws.Algorithm : null,
            KeyId = jws.FailedReason is null ? jws.KeyId : null,
        };
    }

    private static JwtVerificationResult VerifyParsed(CompactJws jws, IReadOnlyList<JsonWebKey> keys, string groupName,
                                                      string? canonicalHost, DateTimeOffset now)
    {
        if (jws.FailedReason is not null) return JwtVerificationResult.Failed(jws.FailedReason);
        if (jws.Algorithm == "none") return JwtVerificationResult.Failed("alg none");
        if (jws.Header.TryGetProperty("crit", out _))
            return JwtVerificationResult.Failed("header lists critical extensions, none of which are understood");

        var signatureProblem = CheckSignature(jws, keys);
        if (signatureProblem is not null) return JwtVerificationResult.Failed(signatureProblem);

        var claims = jws.Payload;
        if (claims.ValueKind != JsonValueKind.Object) return JwtVerificationResult.Failed("missing exp");
        return CheckClaims(claims, groupName, canonicalHost, now);
    }

    /// <summary>§5.3: candidate keys, all of which must be valid; one must verify.</summary>
    private static string? CheckSignature(CompactJws jws, IReadOnlyList<JsonWebKey> keys)
    {
        var candidates = 0;
        foreach (var key in keys)
        {
            if (!IsCandidate(key, jws)) continue;
            candidates++;
            if (!key.IsValid) return "selected key is invalid: " + key.Problem;
        }
        if (candidates == 0) return jws.KeyId is null ? $"no key for alg {jws.Algorithm}" : $"no key for alg {jws.Algorithm} and the token's kid";
        foreach (var key in keys)
        {
            if (IsCandidate(key, jws) && key.VerifySignature(jws.SigningInput, jws.Signature)) return null;
        }
        return "bad signature";
    }

    private static bool IsCandidate(JsonWebKey key, CompactJws jws) =>
        string.Equals(key.Algorithm, jws.Algorithm, StringComparison.Ordinal) &&
        (jws.KeyId is null || string.Equals(key.KeyId, jws.KeyId, StringComparison.Ordinal));

    private static JwtVerificationResult CheckClaims(JsonElement claims, string groupName, string? canonicalHost, DateTimeOffset now)
    {
        var nowSeconds = (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;
        var leeway = Leeway.TotalSeconds;

        if (!claims.TryGetProperty("exp", out var expElement)) return JwtVerificationResult.Failed("missing exp");
        if (!TryNumber(expElement, out var exp)) return JwtVerificationResult.Failed("exp is not a number");
        if (!IsRepresentableTime(exp)) return JwtVerificationResult.Failed("exp is out of range");
        if (!(nowSeconds < exp + leeway)) return JwtVerificationResult.Failed("expired");

        if (claims.TryGetProperty("nbf", out var nbfElement))
        {
            if (!TryNumber(nbfElement, out var nbf)) return JwtVerificationResult.Failed("nbf is not a number");
            if (!IsRepresentableTime(nbf)) return JwtVerificationResult.Failed("nbf is out of range");
            if (!(nowSeconds >= nbf - leeway)) return JwtVerificationResult.Failed("not valid yet (nbf)");
        }
        if (claims.TryGetProperty("iat", out var iatElement))
        {
            if (!TryNumber(iatElement, out var iat)) return JwtVerificationResult.Failed("iat is not a number");
            if (!IsRepresentableTime(iat)) return JwtVerificationResult.Failed("iat is out of range");
            if (!(nowSeconds >= iat - leeway)) return JwtVerificationResult.Failed("issued in the future (iat)");
        }

        var includeSubgroups = claims.TryGetProperty("include-subgroups", out var inc) && inc.ValueKind == JsonValueKind.True;
        var audienceProblem = CheckAudience(claims, groupName, includeSubgroups, canonicalHost);
        if (audienceProblem is not null) return JwtVerificationResult.Failed(audienceProblem);

        string? subject = null;
        if (claims.TryGetProperty("sub", out var sub))
        {
            if (sub.ValueKind != JsonValueKind.String) return JwtVerificationResult.Failed("sub is not a string");
            subject = sub.GetString();
        }

        IReadOnlyList<string> permissions = [];
        if (claims.TryGetProperty("permissions", out var perms) && perms.ValueKind != JsonValueKind.Null)
        {
            if (perms.ValueKind != JsonValueKind.Array) return JwtVerificationResult.Failed("permissions is not an array");
            var list = new List<string>(perms.GetArrayLength());
            foreach (var p in perms.EnumerateArray())
            {
                if (p.ValueKind != JsonValueKind.String) return JwtVerificationResult.Failed("permissions holds a non-string");
                list.Add(p.GetString()!);
            }
            permissions = list;
        }

        var expires = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Floor(exp * 1000));
        var issuer = claims.TryGetProperty("iss", out var iss) && iss.ValueKind == JsonValueKind.String ? iss.GetString() : null;
        return JwtVerificationResult.Granted(subject, permissions, includeSubgroups, expires) with { Issuer = issuer };
    }

    // A time claim is a count of seconds since 1970 that must name an instant a DateTimeOffset can
    // hold (years 1970 to 9999). Anything else (1e20, 2^63, negative) is a malformed token: refusing
    // it here keeps the arithmetic below from ever overflowing on attacker-chosen numbers.
    private const double LatestUnixSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z

    private static bool IsRepresentableTime(double seconds) => seconds is >= 0 and <= LatestUnixSeconds;

    private static bool TryNumber(JsonElement element, out double value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out value) && double.IsFinite(value);
    }

    /// <summary>§5.5: one <c>aud</c> entry must name this group (or an ancestor, with include-subgroups) on the right host.</summary>
    private static string? CheckAudience(JsonElement claims, string groupName, bool includeSubgroups, string? canonicalHost)
    {
        if (!claims.TryGetProperty("aud", out var aud)) return "missing aud";
        if (aud.ValueKind == JsonValueKind.String)
            return AudienceMatches(aud.GetString()!, groupName, includeSubgroups, canonicalHost) ? null : "aud does not name this group";
        if (aud.ValueKind != JsonValueKind.Array) return "aud is neither a string nor an array";
        var matched = false;
        foreach (var entry in aud.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.String) return "aud array holds a non-string";
            matched |= AudienceMatches(entry.GetString()!, groupName, includeSubgroups, canonicalHost);
        }
        return matched ? null : "aud does not name this group";
    }

    private static bool AudienceMatches(string aud, string groupName, bool includeSubgroups, string? canonicalHost)
    {
        if (AudienceUrl.TryParse(aud) is not { } url) return false;
        if (!string.IsNullOrEmpty(canonicalHost) && !string.Equals(url.Host, canonicalHost, StringComparison.OrdinalIgnoreCase)) return false;
        var groupPath = "/group/" + groupName + "/";
        if (!includeSubgroups) return url.Path == groupPath;
        return url.Path.StartsWith("/group/", StringComparison.Ordinal) && url.Path.EndsWith('/') &&
               groupPath.StartsWith(url.Path, StringComparison.Ordinal);
    }
}
