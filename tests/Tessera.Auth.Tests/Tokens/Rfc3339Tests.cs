using Tessera.Auth.Tokens;

namespace Tessera.Auth.Tests.Tokens;

public class Rfc3339Tests
{
    [Theory]
    [InlineData("2026-07-29T13:52:24Z", "2026-07-29T13:52:24.0000000+00:00")]
    [InlineData("2026-07-29T13:52:24.617390123Z", "2026-07-29T13:52:24.6173901+00:00")]
    [InlineData("2026-07-29T15:52:24.5+02:00", "2026-07-29T13:52:24.5000000+00:00")]
    [InlineData("2026-07-29t13:52:24z", "2026-07-29T13:52:24.0000000+00:00")]
    [InlineData("2026-07-29T08:52:24-05:00", "2026-07-29T13:52:24.0000000+00:00")]
    public void Parses_any_rfc3339_timestamp(string text, string expectedUtc)
    {
        Assert.True(Rfc3339.TryParse(text, out var value));
        Assert.Equal(expectedUtc, value.ToUniversalTime().ToString("o"));
    }

    [Theory]
    [InlineData("2026-07-29")]
    [InlineData("2026-07-29T13:52:24")]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("2026-02-30T00:00:00Z")]
    [InlineData("2026-07-29T24:00:00Z")]
    [InlineData("2026-07-29 13:52:24Z")]
    [InlineData("yesterday")]
    public void Refuses_what_is_not_rfc3339(string text) => Assert.False(Rfc3339.TryParse(text, out _));

    [Theory]
    [InlineData("2026-07-29T13:52:24.617390123Z", "2026-07-29T13:52:24.6173901Z")]
    [InlineData("2026-07-29T15:52:24.5+02:00", "2026-07-29T13:52:24.5Z")]
    [InlineData("2026-07-29T13:52:24Z", "2026-07-29T13:52:24Z")]
    public void Formats_in_utc_with_nanosecond_notation_and_trailing_zeros_trimmed(string input, string expected)
    {
        Assert.True(Rfc3339.TryParse(input, out var value));
        Assert.Equal(expected, Rfc3339.Format(value));
    }
}
