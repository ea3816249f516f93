using System.Text.Json.Nodes;

namespace Tessera.Auth.Tests.Jwt;

public class JwtTimeTests : JwtTestBase
{
    private static JsonObject Claims(Action<JsonObject> edit)
    {
        var claims = TokenFactory.GoodClaims();
        edit(claims);
        return claims;
    }

    [Fact]
    public void Expired_3_seconds_ago_is_inside_the_leeway() =>
        Assert.True(VerifyClaims(Claims(c => c["exp"] = NowSeconds - 3)).Success);

    [Fact]
    public void Expired_6_seconds_ago_is_outside_the_leeway() =>
        AssertRefused(VerifyClaims(Claims(c => c["exp"] = NowSeconds - 6)), "expired");

    [Fact]
    public void Expired_exactly_5_seconds_ago_fails() =>
        AssertRefused(VerifyClaims(Claims(c => c["exp"] = NowSeconds - 5)), "expired");

    [Fact]
    public void Fractional_exp_is_honoured()
    {
        Assert.True(VerifyClaims(Claims(c => c["exp"] = NowSeconds - 4.5)).Success);
        AssertRefused(VerifyClaims(Claims(c => c["exp"] = NowSeconds - 5.5)), "expired");
    }

    [Fact]
    public void Missing_exp_fails() => AssertRefused(VerifyClaims(Claims(c => c.Remove("exp"))), "missing exp");

    [Theory]
    [InlineData("\"1900000000\"")]
    [InlineData("null")]
    [InlineData("true")]
    public void Non_numeric_exp_fails(string exp) =>
        AssertRefused(VerifyClaims(Claims(c => c["exp"] = JsonNode.Parse(exp))), "exp");

    // Signed by a trusted key but naming no instant a clock can hold: refused, never an exception.
    [Theory]
    [InlineData("exp", "1e20")]
    [InlineData("exp", "9223372036854775808")]
    [InlineData("exp", "9223372036854775807")]
    [InlineData("exp", "253402300800")]
    [InlineData("exp", "1.7976931348623157e308")]
    [InlineData("exp", "-1")]
    [InlineData("exp", "-1e20")]
    [InlineData("nbf", "-9223372036854775808")]
    [InlineData("nbf", "1e300")]
    [InlineData("iat", "-1e20")]
    [InlineData("iat", "1e20")]
    public void Time_claim_outside_the_representable_range_is_refused(string claim, string value) =>
        AssertRefused(VerifyClaims(Claims(c => c[claim] = JsonNode.Parse(value))), claim);

    [Fact]
    public void Exp_at_the_last_representable_second_is_accepted()
    {
        var result = VerifyClaims(Claims(c => c["exp"] = 253_402_300_799L));
        Assert.True(result.Success, result.FailureReason);
        Assert.Equal(new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero), result.Expires);
    }

    [Fact]
    public void Iat_4_seconds_ahead_is_inside_the_leeway() =>
        Assert.True(VerifyClaims(Claims(c => c["iat"] = NowSeconds + 4)).Success);

    [Theory]
    [InlineData(6)]
    [InlineData(60)]
    public void Iat_in_the_future_beyond_the_leeway_fails(int ahead) =>
        AssertRefused(VerifyClaims(Claims(c => c["iat"] = NowSeconds + ahead)), "iat");

    [Fact]
    public void Nbf_4_seconds_ahead_is_inside_the_leeway() =>
        Assert.True(VerifyClaims(Claims(c => c["nbf"] = NowSeconds + 4)).Success);

    [Theory]
    [InlineData(6)]
    [InlineData(60)]
    public void Nbf_in_the_future_beyond_the_leeway_fails(int ahead) =>
        AssertRefused(VerifyClaims(Claims(c => c["nbf"] = NowSeconds + ahead)), "nbf");

    [Fact]
    public void Nbf_and_iat_in_the_past_pass()
    {
        var result = VerifyClaims(Claims(c => { c["nbf"] = NowSeconds - 100; c["iat"] = NowSeconds - 100; }));
        Assert.True(result.Success);
    }

    [Theory]
    [InlineData("nbf")]
    [InlineData("iat")]
    public void Non_numeric_nbf_or_iat_fails(string claim) =>
        AssertRefused(VerifyClaims(Claims(c => c[claim] = "yesterday")), claim);

    [Fact]
    public void No_maximum_lifetime_is_enforced() =>
        Assert.True(VerifyClaims(Claims(c => c["exp"] = NowSeconds + 10L * 365 * 86400)).Success);

    [Fact]
    public void Expires_reports_the_exp_claim() =>
        Assert.Equal(Now.AddSeconds(30), VerifyClaims(TokenFactory.GoodClaims()).Expires);
}
