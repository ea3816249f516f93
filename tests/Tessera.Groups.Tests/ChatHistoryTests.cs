using Tessera.Groups.Runtime;

namespace Tessera.Groups.Tests;

public class ChatHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ChatEntry Entry(int i, string source = "a", DateTimeOffset? at = null) =>
        new($"id{i}", source, "u", at ?? T0.AddSeconds(i), "", $"m{i}");

    [Fact]
    public void KeepsTheLast50()
    {
        var h = new ChatHistory();
        for (var i = 0; i < 60; i++) h.Add(Entry(i));
        var read = h.Read(T0.AddSeconds(60), TimeSpan.FromHours(1));
        Assert.Equal(50, read.Count);
        Assert.Equal("id10", read[0].Id);
    }

    [Fact]
    public void DropsEntriesOlderThanTheMaximumAge()
    {
        var h = new ChatHistory();
        h.Add(Entry(0));
        h.Add(Entry(100));
        Assert.Equal(["id100"], h.Read(T0.AddSeconds(150), TimeSpan.FromSeconds(60)).Select(e => e.Id));
    }

    [Fact]
    public void RemovesOneUsersEntriesOrOneEntry()
    {
        var h = new ChatHistory();
        h.Add(Entry(1, "a"));
        h.Add(Entry(2, "b"));
        h.Add(Entry(3, "a"));
        h.Remove("a", "id3");
        Assert.Equal(["id1", "id2"], h.Read(T0, TimeSpan.FromDays(1)).Select(e => e.Id));
        h.Remove("a", null);
        Assert.Equal(["id2"], h.Read(T0, TimeSpan.FromDays(1)).Select(e => e.Id));
    }
}
