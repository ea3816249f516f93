using System.Text.Json.Nodes;
using Tessera.Auth.Jwk;
using Tessera.Auth.Jwt;

namespace Tessera.Auth.Tests.Jwt;

public abstract class JwtTestBase
{
    internal static readonly DateTimeOffset Now = TokenFactory.Now;
    internal static long NowSeconds => TokenFactory.NowSeconds;

    internal static JwtVerificationResult Verify(string token, IReadOnlyList<JsonWebKey> keys, string group = "lab",
                                                 string? canonicalHost = null, DateTimeOffset? now = null) =>
        JwtVerifier.Verify(token, keys, group, canonicalHost, now ?? Now);

    internal static JwtVerificationResult VerifyClaims(JsonObject claims, string group = "lab", string? canonicalHost = null)
    {
        var key = TestKeys.Private("HS256");
        return Verify(TokenFactory.Sign(key, claims), [key], group, canonicalHost);
    }

    internal static void AssertRefused(JwtVerificationResult result, string? reasonPart = null)
    {
        Assert.False(result.Success);
        Assert.False(result.IsMalformed, "a JWT-shaped token must fail as a JWT, not fall through to the store");
        if (reasonPart is not null) Assert.Contains(reasonPart, result.FailureReason);
    }

    internal static void AssertMalformed(JwtVerificationResult result)
    {
        Assert.False(result.Success);
        Assert.True(result.IsMalformed, $"expected malformed, got: {result.FailureReason}");
    }
}
