using System.Text.Json;
using Tessera.Auth.Tokens;

namespace Tessera.Auth.Tests.Tokens;

public class StatefulTokenJsonTests
{
    [Fact]
    public void Galene_example_is_read_with_every_field()
    {
        var token = StatefulTokenJson.Parse("""
            {"token":"q8Xr2mWl0aE","group":"lab/room-3","username":"guest","permissions":["present","message"],
             "expires":"2026-07-30T09:00:00Z","issuedAt":"2026-07-29T09:00:00Z","issuedBy":"prof"}
            """);
        Assert.Equal("q8Xr2mWl0aE", token.Token);
        Assert.Equal("lab/room-3", token.Group);
        Assert.Equal("guest", token.Username);
        Assert.Equal(["present", "message"], token.Permissions);
        Assert.Equal(new DateTimeOffset(2026, 7, 30, 9, 0, 0, TimeSpan.Zero), token.Expires);
        Assert.Equal("prof", token.IssuedBy);
        Assert.False(token.IncludeSubgroups);
        Assert.Null(token.NotBefore);
    }

    [Fact]
    public void Field_names_follow_galene_camel_case_and_hyphen()
    {
        var json = StatefulTokenJson.ToJson(new StatefulToken
        {
            Token = "t", Group = "", IncludeSubgroups = true, Username = "u", Permissions = ["op"],
            Expires = DateTimeOffset.UnixEpoch, NotBefore = DateTimeOffset.UnixEpoch,
            IssuedAt = DateTimeOffset.UnixEpoch, IssuedBy = "me",
        });
        Assert.Equal("""{"token":"t","group":"","includeSubgroups":true,"username":"u","permissions":["op"],"expires":"1970-01-01T00:00:00Z","not-before":"1970-01-01T00:00:00Z","issuedAt":"1970-01-01T00:00:00Z","issuedBy":"me"}""", json);
    }

    [Fact]
    public void Absent_fields_are_omitted_but_permissions_is_always_written()
    {
        Assert.Equal("""{"token":"t","group":"g","permissions":null}""",
                     StatefulTokenJson.ToJson(new StatefulToken { Token = "t", Group = "g" }));
    }

    [Fact]
    public void Absent_and_empty_username_round_trip_distinctly()
    {
        var absent = new StatefulToken { Token = "a", Group = "g" };
        var empty = absent with { Username = "" };
        Assert.Null(StatefulTokenJson.Parse(StatefulTokenJson.ToJson(absent)).Username);
        Assert.Equal("", StatefulTokenJson.Parse(StatefulTokenJson.ToJson(empty)).Username);
        Assert.Contains("\"username\":\"\"", StatefulTokenJson.ToJson(empty));
    }

    [Fact]
    public void Null_and_empty_permissions_round_trip_distinctly()
    {
        var none = new StatefulToken { Token = "a" };
        var empty = none with { Permissions = [] };
        Assert.Null(StatefulTokenJson.Parse(StatefulTokenJson.ToJson(none)).Permissions);
        Assert.Equal([], StatefulTokenJson.Parse(StatefulTokenJson.ToJson(empty)).Permissions!);
    }

    [Fact]
    public void Timestamps_are_written_in_utc_with_sub_second_precision()
    {
        var expires = new DateTimeOffset(2026, 7, 30, 11, 0, 0, TimeSpan.FromHours(2)).AddTicks(1234567);
        var json = StatefulTokenJson.ToJson(new StatefulToken { Token = "a", Expires = expires });
        Assert.Contains("\"expires\":\"2026-07-30T09:00:00.1234567Z\"", json);
        Assert.Equal(expires, StatefulTokenJson.Parse(json).Expires);
    }

    [Fact]
    public void Unknown_members_are_ignored() =>
        Assert.Equal("t", StatefulTokenJson.Parse("""{"token":"t","group":"g","future":{"x":1}}""").Token);

    [Theory]
    [InlineData("""{"group":"g"}""")]
    [InlineData("""{"token":5}""")]
    [InlineData("""{"token":"t","group":7}""")]
    [InlineData("""{"token":"t","permissions":"present"}""")]
    [InlineData("""{"token":"t","permissions":[1]}""")]
    [InlineData("""{"token":"t","includeSubgroups":"yes"}""")]
    [InlineData("""{"token":"t","expires":"tomorrow"}""")]
    [InlineData("""{"token":"t","expires":1790000000}""")]
    [InlineData("""["token"]""")]
    public void Wrong_types_are_format_errors(string json) =>
        Assert.Throws<FormatException>(() => StatefulTokenJson.Parse(json));

    [Fact]
    public void To_string_never_shows_the_secret() =>
        Assert.DoesNotContain("s3cr3t", new StatefulToken { Token = "s3cr3t", Group = "g" }.ToString());

    [Theory]
    [InlineData("lab", false, "lab", true)]
    [InlineData("lab", false, "lab/r3", false)]
    [InlineData("lab", true, "lab/r3", true)]
    [InlineData("lab", true, "lab/r3/x", true)]
    [InlineData("lab", true, "laboratory", false)]
    [InlineData("lab/r3", true, "lab", false)]
    [InlineData("", true, "anything/at/all", true)]
    [InlineData("", true, "", true)]
    [InlineData("", false, "", false)]
    [InlineData("", false, "lab", false)]
    public void Opens_follows_the_group_match_rule(string tokenGroup, bool includeSubgroups, string group, bool expected) =>
        Assert.Equal(expected, new StatefulToken { Token = "t", Group = tokenGroup, IncludeSubgroups = includeSubgroups }.Opens(group));
}
