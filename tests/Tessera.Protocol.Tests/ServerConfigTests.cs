using System.Text;
using Tessera.Protocol.Config;

namespace Tessera.Protocol.Tests;

/// <summary>config.json's Tessera-only <c>metrics</c> key.</summary>
public sealed class ServerConfigTests
{
    private static ServerConfig Parse(string json) => ServerConfig.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Metrics_are_off_unless_enabled_and_take_addresses_and_ranges()
    {
        Assert.Null(Parse("{}").Metrics);
        var metrics = Parse("""{"metrics": {"enabled": true, "allowFrom": ["127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8"]}}""").Metrics!;
        Assert.True(metrics.Enabled);
        Assert.Equal(4, metrics.AllowFrom!.Count);
    }

    [Theory]
    [InlineData("""{"metrics": {"enabled": true, "allowFrom": ["everyone"]}}""", "'everyone'")]
    [InlineData("""{"metrics": {"enabled": true, "allowFrom": ["10.0.0.0/33"]}}""", "'10.0.0.0/33'")]
    [InlineData("""{"metrics": {"enable": true}}""", "enabled")]
    public void A_bad_metrics_key_makes_the_file_invalid_and_says_why(string json, string named)
    {
        var error = Assert.Throws<InvalidDataException>(() => Parse(json));
        Assert.Contains(named, error.Message);
    }
}
