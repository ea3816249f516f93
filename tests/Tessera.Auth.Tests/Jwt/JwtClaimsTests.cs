using System.Text.Json.Nodes;

namespace Tessera.Auth.Tests.Jwt;

public class JwtClaimsTests : JwtTestBase
{
    private static JsonObject Claims(string name, JsonNode? value, bool remove = false)
    {
        var claims = TokenFactory.GoodClaims();
        if (remove) claims.Remove(name);
        else claims[name] = value;
        return claims;
    }

    [Fact]
    public void Sub_present_is_the_subject() => Assert.Equal("ada", VerifyClaims(TokenFactory.GoodClaims()).Subject);

    [Fact]
    public void Sub_absent_gives_a_null_subject()
    {
        var result = VerifyClaims(Claims("sub", null, remove: true));
        Assert.True(result.Success);
        Assert.Null(result.Subject);
    }

    [Fact]
    public void Sub_empty_gives_an_empty_subject()
    {
        var result = VerifyClaims(Claims("sub", ""));
        Assert.True(result.Success);
        Assert.Equal("", result.Subject);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("[\"ada\"]")]
    public void Sub_that_is_not_a_string_fails(string sub) =>
        AssertRefused(VerifyClaims(Claims("sub", JsonNode.Parse(sub))), "sub");

    [Fact]
    public void Permissions_are_verbatim_and_not_expanded()
    {
        var result = VerifyClaims(Claims("permissions", new JsonArray("present", "bogus")));
        Assert.Equal(["present", "bogus"], result.Permissions);
    }

    [Fact]
    public void Permissions_absent_give_none()
    {
        var result = VerifyClaims(Claims("permissions", null, remove: true));
        Assert.True(result.Success);
        Assert.Empty(result.Permissions);
    }

    [Fact]
    public void Permissions_null_give_none()
    {
        var result = VerifyClaims(Claims("permissions", null));
        Assert.True(result.Success);
        Assert.Empty(result.Permissions);
    }

    [Fact]
    public void Permissions_as_a_string_fail() =>
        AssertRefused(VerifyClaims(Claims("permissions", "present")), "permissions");

    [Fact]
    public void Permissions_with_a_non_string_element_fail() =>
        AssertRefused(VerifyClaims(Claims("permissions", new JsonArray("present", 1))), "permissions");

    [Fact]
    public void Permissions_as_an_object_fail() =>
        AssertRefused(VerifyClaims(Claims("permissions", new JsonObject { ["present"] = true })), "permissions");

    [Fact]
    public void Iss_jti_and_unknown_claims_are_ignored()
    {
        var claims = TokenFactory.GoodClaims();
        claims["iss"] = 12;
        claims["jti"] = new JsonObject();
        claims["whatever"] = new JsonArray(1, 2);
        Assert.True(VerifyClaims(claims).Success);
    }
}
