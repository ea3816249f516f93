using Tessera.Server.Hosting;

namespace Tessera.Server.Tests;

/// <summary>When a quiet server gives memory back: the rule, since the collector's own timing is not a test's to wait for.</summary>
public class MemoryTrimTests
{
    private const long MB = 1024 * 1024;

    [Theory]
    [InlineData(0, 300, 0, true)]    // quiet after a burst: collect
    [InlineData(3, 300, 0, false)]   // collections are happening: the collector is at work already
    [InlineData(0, 60, 40, false)]   // quiet, but not grown since the last trim: leave it
    [InlineData(0, 120, 40, true)]   // grown again by more than the slack
    public void Trims_only_a_quiet_server_that_grew(int collections, long committedMb, long afterLastTrimMb, bool expected) =>
        Assert.Equal(expected, MemoryTrim.ShouldTrim(collections, committedMb * MB, afterLastTrimMb * MB));
}
