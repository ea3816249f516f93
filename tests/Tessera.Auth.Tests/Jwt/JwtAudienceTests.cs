using System.Text.Json.Nodes;

namespace Tessera.Auth.Tests.Jwt;

public class JwtAudienceTests : JwtTestBase
{
    private static JsonObject Claims(JsonNode? aud, JsonNode? includeSubgroups = null)
    {
        var claims = TokenFactory.GoodClaims();
        claims["aud"] = aud;
        if (includeSubgroups is not null) claims["include-subgroups"] = includeSubgroups;
        return claims;
    }

    [Fact]
    public void Exact_group_url_is_accepted() =>
        Assert.True(VerifyClaims(Claims("https://meet.example.net/group/lab/")).Success);

    [Fact]
    public void Another_group_is_refused() =>
        AssertRefused(VerifyClaims(Claims("https://meet.example.net/group/other/")), "aud");

    [Fact]
    public void Aud_without_trailing_slash_is_refused() =>
        AssertRefused(VerifyClaims(Claims("https://meet.example.net/group/lab")), "aud");

    [Fact]
    public void Parent_aud_without_include_subgroups_is_refused_for_a_subgroup() =>
        AssertRefused(VerifyClaims(Claims("https://meet.example.net/group/lab/"), group: "lab/r3"), "aud");

    [Fact]
    public void Parent_aud_with_include_subgroups_true_is_accepted_for_a_subgroup()
    {
        var result = VerifyClaims(Claims("https://meet.example.net/group/lab/", true), group: "lab/r3");
        Assert.True(result.Success);
        Assert.True(result.IncludeSubgroups);
    }

    [Theory]
    [InlineData("\"true\"")]
    [InlineData("1")]
    [InlineData("false")]
    public void Include_subgroups_other_than_json_true_has_no_effect(string value)
    {
        var result = VerifyClaims(Claims("https://meet.example.net/group/lab/", JsonNode.Parse(value)), group: "lab/r3");
        AssertRefused(result, "aud");
        Assert.False(VerifyClaims(Claims("https://meet.example.net/group/lab/", JsonNode.Parse(value))).IncludeSubgroups);
    }

    [Fact]
    public void Deeper_aud_is_refused_for_the_parent_group() =>
        AssertRefused(VerifyClaims(Claims("https://meet.example.net/group/lab/r3/", true), group: "lab"), "aud");

    [Fact]
    public void Aud_that_is_a_name_prefix_but_not_a_path_prefix_is_refused() =>
        AssertRefused(VerifyClaims(Claims("https://meet.example.net/group/la/", true), group: "lab"), "aud");

    [Theory]
    [InlineData("lab")]
    [InlineData("lab/r3")]
    [InlineData("x/y/z")]
    public void Group_root_wildcard_with_include_subgroups_is_accepted_for_any_group(string group) =>
        Assert.True(VerifyClaims(Claims("https://meet.example.net/group/", true), group: group).Success);

    [Fact]
    public void Group_root_without_include_subgroups_is_refused() =>
        AssertRefused(VerifyClaims(Claims("https://meet.example.net/group/")), "aud");

    [Fact]
    public void Path_outside_group_with_include_subgroups_is_refused() =>
        AssertRefused(VerifyClaims(Claims("https://meet.example.net/", true)), "aud");

    [Fact]
    public void Wrong_host_with_canonical_host_is_refused() =>
        AssertRefused(VerifyClaims(Claims("https://other.org:8443/group/lab/"), canonicalHost: "meet.example.net:8443"), "aud");

    [Fact]
    public void Wrong_port_with_canonical_host_is_refused() =>
        AssertRefused(VerifyClaims(Claims("https://meet.example.net/group/lab/"), canonicalHost: "meet.example.net:8443"), "aud");

    [Fact]
    public void Canonical_host_comparison_ignores_case_and_includes_the_port() =>
        Assert.True(VerifyClaims(Claims("https://MEET.example.net:8443/group/lab/"), canonicalHost: "meet.EXAMPLE.net:8443").Success);

    [Theory]
    [InlineData("https://anything.example/group/lab/")]
    [InlineData("http://10.0.0.1:1234/group/lab/")]
    [InlineData("/group/lab/")]
    public void Without_canonical_host_any_host_is_accepted(string aud) =>
        Assert.True(VerifyClaims(Claims(aud)).Success);

    [Fact]
    public void Scheme_query_and_fragment_are_ignored() =>
        Assert.True(VerifyClaims(Claims("wss://meet.example.net/group/lab/?x=1#frag")).Success);

    [Fact]
    public void Userinfo_is_not_part_of_the_host() =>
        Assert.True(VerifyClaims(Claims("https://evil@meet.example.net/group/lab/"), canonicalHost: "meet.example.net").Success);

    [Fact]
    public void Path_is_percent_decoded() =>
        Assert.True(VerifyClaims(Claims("https://meet.example.net/group/l%61b%2Fr3/"), group: "lab/r3").Success);

    [Fact]
    public void Percent_decoded_unicode_matches() =>
        Assert.True(VerifyClaims(Claims("https://meet.example.net/group/caf%C3%A9/"), group: "café").Success);

    [Theory]
    [InlineData("https://meet.example.net/group/lab%/")]
    [InlineData("https://meet.example.net/group/lab%zz/")]
    [InlineData("https://meet.example.net/group/%FF/")]
    [InlineData("https://meet.example.net:port/group/lab/")]
    [InlineData("1https://meet.example.net/group/lab/")]
    public void Unparsable_aud_is_refused(string aud) => AssertRefused(VerifyClaims(Claims(aud)), "aud");

    [Fact]
    public void Dot_segments_are_not_normalised() =>
        AssertRefused(VerifyClaims(Claims("https://meet.example.net/group/x/../lab/")), "aud");

    [Fact]
    public void Aud_array_passes_if_one_entry_matches() =>
        Assert.True(VerifyClaims(Claims(new JsonArray("https://a.example/group/other/", "https://a.example/group/lab/"))).Success);

    [Fact]
    public void Aud_array_without_a_match_is_refused() =>
        AssertRefused(VerifyClaims(Claims(new JsonArray("https://a.example/group/other/"))), "aud");

    [Fact]
    public void Empty_aud_array_is_refused() => AssertRefused(VerifyClaims(Claims(new JsonArray())), "aud");

    [Fact]
    public void Aud_array_with_a_non_string_is_refused() =>
        AssertRefused(VerifyClaims(Claims(new JsonArray("https://a.example/group/lab/", 3))), "aud");

    [Theory]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("{\"url\":\"https://a.example/group/lab/\"}")]
    public void Aud_of_another_type_is_refused(string aud) => AssertRefused(VerifyClaims(Claims(JsonNode.Parse(aud))), "aud");

    [Fact]
    public void Missing_aud_is_refused()
    {
        var claims = TokenFactory.GoodClaims();
        claims.Remove("aud");
        AssertRefused(VerifyClaims(claims), "aud");
    }
}
