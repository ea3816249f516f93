using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Tessera.Auth.Jwk;
using Tessera.Auth.Jwt;
using Tessera.Auth.Tests.Jwt;
using Tessera.Tests.Shared;

namespace Tessera.Auth.Tests.Fuzz;

/// <summary>
/// The JWT verifier and the JWK parser under random claims, headers and shapes. Claims are
/// signed with a key the verifier trusts, so the claim checks themselves are exercised rather
/// than stopped at the signature. No input may throw: a token is granted or refused.
/// </summary>
public class TokenParserProperties
{
    private static readonly JsonWebKey Key = TestKeys.Private("HS256");

    private static readonly double[] Extremes = [1e20, -1e20, 9.2233720368547758e18, 1.7976931348623157e308, -1.7976931348623157e308, 253402300800.0, -0.0, 5e-324];

    /// <summary>Any JSON value, numbers of every magnitude included.</summary>
    private static readonly Gen<JsonNode?> Value = Gen.OneOf<JsonNode?>(
        Gen.Double.Select(d => double.IsFinite(d) ? (JsonNode?)JsonValue.Create(d) : JsonValue.Create(0)),
        Gen.Long.Select(l => (JsonNode?)JsonValue.Create(l)),
        Gen.Int[0, Extremes.Length - 1].Select(i => (JsonNode?)JsonValue.Create(Extremes[i])),
        Gen.String.Select(s => (JsonNode?)JsonValue.Create(s)),
        Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
        Gen.Int[0, 0].Select(_ => (JsonNode?)null),
        Gen.String.Array[0, 4].Select(a => (JsonNode?)new JsonArray(a.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray())),
        Gen.Int[0, 0].Select(_ => (JsonNode?)new JsonObject { ["nested"] = new JsonArray(1, "two", null) }));

    private static readonly string[] ClaimNames = ["exp", "nbf", "iat", "aud", "sub", "permissions", "include-subgroups", "iss", "jti"];

    private static readonly Gen<JsonObject> Claims =
        Gen.Select(Value.Array[ClaimNames.Length], Gen.Bool.Array[ClaimNames.Length], (values, present) =>
        {
            var claims = TokenFactory.GoodClaims();
            for (var i = 0; i < ClaimNames.Length; i++)
            {
                if (!present[i]) continue;
                claims[ClaimNames[i]] = values[i]?.DeepClone();
            }
            return claims;
        });

    [Fact]
    public void Signed_tokens_with_any_claim_values_are_granted_or_refused_never_thrown() =>
        Claims.Sample(claims =>
        {
            var result = JwtVerifier.Verify(TokenFactory.Sign(Key, claims), [Key], "lab", null, TokenFactory.Now);
            if (result.Success) Assert.NotNull(result.Expires);
        }, iter: 3000);

    [Fact]
    public void Tokens_of_any_header_and_shape_are_refused_never_thrown() =>
        Gen.Select(Value, Value, Value, Gen.Int[0, 6], Gen.String, (alg, kid, crit, segments, garbage) => (alg, kid, crit, segments, garbage))
            .Sample(t =>
            {
                var header = new JsonObject { ["alg"] = t.alg?.DeepClone(), ["kid"] = t.kid?.DeepClone(), ["crit"] = t.crit?.DeepClone(), ["typ"] = "JWT" };
                var parts = new[] { Base64Url(header.ToJsonString()), Base64Url(TokenFactory.GoodClaims().ToJsonString()), Base64Url(t.garbage), t.garbage, "", "a" };
                var token = string.Join('.', parts.Take(t.segments));
                var result = JwtVerifier.Verify(token, [Key], "lab", null, TokenFactory.Now);
                Assert.False(result.Success);
            }, iter: 3000);

    [Fact]
    public void Damaged_tokens_are_refused_never_thrown()
    {
        var good = Encoding.ASCII.GetBytes(TokenFactory.Sign(Key, TokenFactory.GoodClaims()));
        Mutations.Of(good).Sample(bytes =>
        {
            var token = Encoding.Latin1.GetString(bytes);
            var result = JwtVerifier.Verify(token, [Key], "lab", null, TokenFactory.Now);
            if (result.Success) Assert.Equal(Encoding.ASCII.GetString(good).Split('.')[1], token.Split('.')[1]);
        }, iter: 3000);
    }

    [Fact]
    public void Keys_parse_or_fail_with_a_key_error()
    {
        byte[][] seeds =
        [
            Encoding.UTF8.GetBytes(JsonWebKeyGenerator.Generate("ES256", "k1")),
            Encoding.UTF8.GetBytes(JsonWebKeyGenerator.Generate("HS256", "k2")),
            Encoding.UTF8.GetBytes("""{"kty":"RSA","alg":"RS256","n":"sXch","e":"AQAB","kid":"r"}"""),
        ];
        Mutations.OrRandom(300, seeds).Sample(bytes =>
        {
            try
            {
                JsonWebKeyParser.Parse(Encoding.UTF8.GetString(bytes));
            }
            catch (JwkFormatException)
            {
            }
        }, iter: 2000);
    }

    private static string Base64Url(string s) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(s));
}
