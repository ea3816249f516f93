using Tessera.AuthServer.Conferences;
using Tessera.AuthServer.Configuration;

namespace Tessera.AuthServer.Tests.Conferences;

public sealed class ConferenceSetTests
{
    private static readonly ConferenceSet Set = new(["https://meet.example.org/", "https://example.net:8443/video"]);

    [Theory]
    [InlineData("https://meet.example.org/group/lab/", "https://meet.example.org/", "lab")]
    [InlineData("https://MEET.example.org/group/lab/", "https://meet.example.org/", "lab")]
    [InlineData("https://meet.example.org/group/lab/r3/", "https://meet.example.org/", "lab/r3")]
    [InlineData("https://meet.example.org/group/Ada%20room/", "https://meet.example.org/", "Ada room")]
    [InlineData("https://meet.example.org/group/lab/#frag", "https://meet.example.org/", "lab")]
    [InlineData("https://example.net:8443/video/group/lab/", "https://example.net:8443/video/", "lab")]
    public void Group_urls_of_configured_conferences_are_accepted(string location, string conference, string group)
    {
        Assert.Equal(LocationError.None, Set.TryParseGroupUrl(location, out var target));
        Assert.Equal(conference, target!.Conference.BaseUrl);
        Assert.Equal(group, target.Group);
    }

    [Theory]
    [InlineData("https://meet.example.org/group/lab", LocationError.Malformed)]
    [InlineData("https://meet.example.org/group/.hidden/x/..//", LocationError.Malformed)]
    [InlineData("https://meet.example.org/group/a\\b/", LocationError.Malformed)]
    [InlineData("https://meet.example.org/group/a%5Cb/", LocationError.Malformed)]
    [InlineData("https://meet.example.org/group/./", LocationError.Malformed)]
    [InlineData("https://meet.example.org/group/lab/?token=x", LocationError.Malformed)]
    [InlineData("ftp://meet.example.org/group/lab/", LocationError.Malformed)]
    [InlineData("https://user@meet.example.org/group/lab/", LocationError.Malformed)]
    [InlineData("", LocationError.Malformed)]
    [InlineData("https://example.net:8443/group/lab/", LocationError.NotOurs)]
    [InlineData("https://example.net/video/group/lab/", LocationError.NotOurs)]
    [InlineData("https://evil.example/group/lab/", LocationError.NotOurs)]
    public void Other_locations_are_refused(string location, LocationError expected) =>
        Assert.Equal(expected, Set.TryParseGroupUrl(location, out _));

    [Fact]
    public void The_audience_is_the_canonical_group_url()
    {
        Set.TryParseGroupUrl("https://MEET.example.org/group/Ada%20room/", out var target);
        Assert.Equal("https://meet.example.org/group/Ada%20room/", target!.Url);
    }

    [Theory]
    [InlineData("https://meet.example.org", true)]
    [InlineData("https://example.net:8443", true)]
    [InlineData("https://example.net", false)]
    [InlineData("http://meet.example.org", false)]
    [InlineData("https://meet.example.org.evil.net", false)]
    [InlineData("https://meet.example.org/path", false)]
    [InlineData("null", false)]
    public void Only_configured_origins_are_recognised(string origin, bool expected) =>
        Assert.Equal(expected, Set.ByOrigin(origin) is not null);

    [Fact]
    public void Conference_and_group_fields_are_checked_too()
    {
        Assert.Equal(LocationError.None, Set.TryFromParts("https://meet.example.org", "lab", out var t));
        Assert.Equal("https://meet.example.org/group/lab/", t!.Url);
        Assert.Equal(LocationError.NotOurs, Set.TryFromParts("https://evil.example/", "lab", out _));
        Assert.Equal(LocationError.Malformed, Set.TryFromParts("https://meet.example.org/", "../x", out _));
        // Two conferences: the group alone is ambiguous.
        Assert.Equal(LocationError.Malformed, Set.TryFromParts(null, "lab", out _));
        Assert.Equal(LocationError.None, new ConferenceSet(["https://meet.example.org/"]).TryFromParts(null, "lab", out _));
    }

    [Theory]
    [InlineData("meet.example.org")]
    [InlineData("https://meet.example.org/?x=1")]
    [InlineData("javascript:alert(1)")]
    public void Bad_conference_urls_are_refused_at_start(string url) =>
        Assert.Throws<ConfigException>(() => new ConferenceSet([url]));

    [Fact]
    public void No_conference_is_refused_at_start() => Assert.Throws<ConfigException>(() => new ConferenceSet([]));
}
