using System.Text.Json.Nodes;
using Tessera.Auth.Jwk;
using Tessera.Auth.Jwt;

namespace Tessera.Auth.Tests.Jwt;

public class JwtStructureTests : JwtTestBase
{
    private static readonly JsonWebKey Key = TestKeys.Private("HS256");

    [Fact]
    public void Good_token_is_accepted()
    {
        var result = Verify(TokenFactory.Sign(Key, TokenFactory.GoodClaims()), [Key]);
        Assert.True(result.Success, result.FailureReason);
        Assert.Null(result.FailureReason);
    }

    [Theory]
    [InlineData("q8Xr2mWl0aE")]
    [InlineData("abc.def")]
    [InlineData("")]
    public void Dotless_and_two_part_strings_are_not_jwt_shaped(string token)
    {
        Assert.False(JwtVerifier.IsJwtShaped(token));
        AssertMalformed(Verify(token, [Key]));
    }

    // Found by the property tests: a string holding invalid UTF-8 threw when read.
    [Fact]
    public void A_segment_that_is_not_utf8_is_malformed_not_an_exception()
    {
        static string B64(byte[] b) => System.Buffers.Text.Base64Url.EncodeToString(b);
        byte[] badHeader = [.. "{\"alg\":\"HS256\",\"kid\":\""u8, 0xC3, 0x28, .. "\"}"u8];
        var payload = B64(System.Text.Encoding.UTF8.GetBytes(TokenFactory.GoodClaims().ToJsonString()));
        AssertMalformed(Verify($"{B64(badHeader)}.{payload}.c2ln", [Key]));
        byte[] badPayload = [.. "{\"sub\":\""u8, 0xFF, .. "\"}"u8];
        AssertMalformed(Verify($"{B64("{\"alg\":\"HS256\"}"u8.ToArray())}.{B64(badPayload)}.c2ln", [Key]));
    }

    [Fact]
    public void Good_token_is_jwt_shaped() =>
        Assert.True(JwtVerifier.IsJwtShaped(TokenFactory.Sign(Key, TokenFactory.GoodClaims())));

    [Fact]
    public void Token_with_more_than_two_dots_is_refused_before_decoding()
    {
        var token = TokenFactory.Sign(Key, TokenFactory.GoodClaims()) + ".extra";
        Assert.False(JwtVerifier.IsJwtShaped(token));
        var result = Verify(token, [Key]);
        AssertMalformed(result);
        Assert.Contains("dots", result.FailureReason);
        AssertMalformed(Verify(new string('.', 5000), [Key]));
    }

    [Fact]
    public void Token_over_16_KiB_is_refused_even_with_a_valid_signature()
    {
        var claims = TokenFactory.GoodClaims();
        claims["padding"] = new string('x', 16 * 1024);
        var result = Verify(TokenFactory.Sign(Key, claims), [Key]);
        AssertMalformed(result);
        Assert.Contains("16 KiB", result.FailureReason);
    }

    [Fact]
    public void Surrounding_whitespace_is_trimmed()
    {
        var token = TokenFactory.Sign(Key, TokenFactory.GoodClaims());
        Assert.True(Verify(" \t" + token + "\r\n", [Key]).Success);
    }

    [Fact]
    public void Interior_line_break_makes_the_token_malformed()
    {
        var token = TokenFactory.Sign(Key, TokenFactory.GoodClaims());
        AssertMalformed(Verify(token.Insert(5, "\n"), [Key]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Padded_base64_segment_is_malformed(int segment)
    {
        var parts = TokenFactory.Sign(Key, TokenFactory.GoodClaims()).Split('.');
        parts[segment] += "=";
        AssertMalformed(Verify(string.Join('.', parts), [Key]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Standard_base64_alphabet_in_a_segment_is_malformed(int segment)
    {
        var parts = TokenFactory.Sign(Key, TokenFactory.GoodClaims()).Split('.');
        parts[segment] = "+/" + parts[segment][2..];
        AssertMalformed(Verify(string.Join('.', parts), [Key]));
    }

    [Fact]
    public void Header_that_is_not_a_json_object_is_malformed()
    {
        var token = TokenFactory.SignRaw("[\"HS256\"]", TokenFactory.GoodClaims().ToJsonString(), b => Key.Sign(b));
        Assert.False(JwtVerifier.IsJwtShaped(token));
    }

    [Fact]
    public void Payload_that_is_not_json_is_malformed()
    {
        var token = TokenFactory.SignRaw("""{"alg":"HS256"}""", "not json", b => Key.Sign(b));
        AssertMalformed(Verify(token, [Key]));
    }

    [Fact]
    public void Null_header_counts_as_empty_object_so_the_token_fails_as_a_jwt()
    {
        var token = TokenFactory.SignRaw("null", TokenFactory.GoodClaims().ToJsonString(), b => Key.Sign(b));
        Assert.True(JwtVerifier.IsJwtShaped(token));
        AssertRefused(Verify(token, [Key]), "alg");
    }

    [Fact]
    public void Null_payload_counts_as_empty_object_and_fails_for_missing_exp()
    {
        var token = TokenFactory.SignRaw("""{"alg":"HS256"}""", "null", b => Key.Sign(b));
        AssertRefused(Verify(token, [Key]), "missing exp");
    }

    [Fact]
    public void Unregistered_alg_is_a_failed_jwt_whatever_the_signature_part_holds()
    {
        var token = TokenFactory.B64("""{"alg":"XS999"}""") + "." + TokenFactory.B64("{}") + ".not*base64!";
        Assert.True(JwtVerifier.IsJwtShaped(token));
        AssertRefused(Verify(token, [Key]), "unregistered alg");
    }

    [Fact]
    public void Missing_alg_is_a_failed_jwt()
    {
        var token = TokenFactory.B64("""{"typ":"JWT"}""") + "." + TokenFactory.B64("{}") + ".===";
        AssertRefused(Verify(token, [Key]), "alg");
    }

    [Fact]
    public void Registered_alg_with_undecodable_signature_is_malformed()
    {
        var token = TokenFactory.B64("""{"alg":"HS256"}""") + "." + TokenFactory.B64("{}") + ".not*base64!";
        AssertMalformed(Verify(token, [Key]));
    }

    [Fact]
    public void Duplicate_member_in_header_is_refused()
    {
        var token = TokenFactory.SignRaw("""{"alg":"HS256","alg":"none"}""", TokenFactory.GoodClaims().ToJsonString(), b => Key.Sign(b));
        AssertMalformed(Verify(token, [Key]));
    }

    [Fact]
    public void Duplicate_member_in_payload_is_refused()
    {
        var claims = TokenFactory.GoodClaims().ToJsonString();
        var duplicated = claims.TrimEnd('}') + ""","sub":"root"}""";
        var token = TokenFactory.SignRaw("""{"alg":"HS256"}""", duplicated, b => Key.Sign(b));
        AssertMalformed(Verify(token, [Key]));
    }

    [Fact]
    public void Critical_header_extension_is_refused()
    {
        var token = TokenFactory.Sign(Key, TokenFactory.GoodClaims(), h => h["crit"] = new JsonArray("exp"));
        AssertRefused(Verify(token, [Key]), "critical");
    }

    [Fact]
    public void Tampered_header_fails_the_signature()
    {
        var token = TokenFactory.Sign(Key, TokenFactory.GoodClaims());
        var parts = token.Split('.');
        parts[0] = TokenFactory.B64("""{"alg":"HS256","typ":"jwt"}""");
        AssertRefused(Verify(string.Join('.', parts), [Key]), "bad signature");
    }

    [Fact]
    public void Tampered_payload_fails_the_signature()
    {
        var token = TokenFactory.Sign(Key, TokenFactory.GoodClaims());
        var parts = token.Split('.');
        var claims = TokenFactory.GoodClaims();
        claims["permissions"] = new JsonArray("op", "present", "message");
        parts[1] = TokenFactory.B64(claims.ToJsonString());
        AssertRefused(Verify(string.Join('.', parts), [Key]), "bad signature");
    }

    [Fact]
    public void Tampered_signature_fails()
    {
        var token = TokenFactory.Sign(Key, TokenFactory.GoodClaims());
        var last = token[^1] == 'A' ? 'B' : 'A';
        AssertRefused(Verify(token[..^1] + last, [Key]), "bad signature");
    }

    [Fact]
    public void Every_change_of_the_signatures_last_character_fails_as_a_jwt()
    {
        var token = TokenFactory.Sign(Key, TokenFactory.GoodClaims());
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        foreach (var c in alphabet)
        {
            if (c == token[^1]) continue;
            AssertRefused(Verify(token[..^1] + c, [Key]), "bad signature");
        }
    }

    [Fact]
    public void Empty_signature_fails()
    {
        var token = TokenFactory.Sign(Key, TokenFactory.GoodClaims());
        AssertRefused(Verify(token[..(token.LastIndexOf('.') + 1)], [Key]), "bad signature");
    }

    [Fact]
    public void Failure_reason_never_quotes_the_token()
    {
        var token = TokenFactory.Sign(Key, TokenFactory.GoodClaims());
        var parts = token.Split('.');
        foreach (var bad in new[] { token + "x", token[..^2], token + ".x", parts[0] + "." + parts[1] + ".A" })
        {
            var reason = Verify(bad, [Key]).FailureReason!;
            foreach (var part in bad.Split('.').Where(p => p.Length > 3))
                Assert.DoesNotContain(part, reason);
        }
    }

    [Fact]
    public void Verify_with_time_provider_uses_its_clock()
    {
        var token = TokenFactory.Sign(Key, TokenFactory.GoodClaims());
        var clock = new ManualTimeProvider(Now);
        Assert.True(JwtVerifier.Verify(token, [Key], "lab", null, clock).Success);
        clock.Advance(TimeSpan.FromSeconds(36));
        Assert.False(JwtVerifier.Verify(token, [Key], "lab", null, clock).Success);
    }

    [Fact]
    public void Peek_key_id_reads_the_header_kid()
    {
        var key = TestKeys.Private("HS256", kid: "k7");
        Assert.Equal("k7", JwtVerifier.PeekKeyId(TokenFactory.Sign(key, TokenFactory.GoodClaims())));
        Assert.Null(JwtVerifier.PeekKeyId(TokenFactory.Sign(Key, TokenFactory.GoodClaims())));
        Assert.Null(JwtVerifier.PeekKeyId("no-dots"));
    }
}
