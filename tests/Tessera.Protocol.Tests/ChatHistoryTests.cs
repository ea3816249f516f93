using Tessera.Protocol.Groups;

namespace Tessera.Protocol.Tests;

public class ChatHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const int NoBudget = int.MaxValue;

    private static ChatEntry Entry(int i, string source = "a", DateTimeOffset? at = null) =>
        new($"id{i}", source, "u", at ?? T0.AddSeconds(i), "", $"m{i}");

    [Fact]
    public void Keeps_the_last_50()
    {
        var h = new ChatHistory();
        for (var i = 0; i < 60; i++) h.Add(Entry(i), 100, NoBudget);
        var read = h.Read(T0.AddSeconds(60), TimeSpan.FromHours(1));
        Assert.Equal(50, read.Count);
        Assert.Equal("id10", read[0].Id);
    }

    [Fact]
    public void Drops_entries_older_than_the_maximum_age()
    {
        var h = new ChatHistory();
        h.Add(Entry(0), 100, NoBudget);
        h.Add(Entry(100), 100, NoBudget);
        Assert.Equal(["id100"], h.Read(T0.AddSeconds(150), TimeSpan.FromSeconds(60)).Select(e => e.Id));
    }

    [Fact]
    public void Removes_one_users_entries_or_one_entry()
    {
        var h = new ChatHistory();
        h.Add(Entry(1, "a"), 100, NoBudget);
        h.Add(Entry(2, "b"), 100, NoBudget);
        h.Add(Entry(3, "a"), 100, NoBudget);
        h.Remove("a", "id3");
        Assert.Equal(["id1", "id2"], h.Read(T0, TimeSpan.FromDays(1)).Select(e => e.Id));
        h.Remove("a", null);
        Assert.Equal(["id2"], h.Read(T0, TimeSpan.FromDays(1)).Select(e => e.Id));
    }

    [Fact]
    public void Keeps_only_the_newest_entries_that_fit_the_byte_budget()
    {
        var h = new ChatHistory();
        for (var i = 0; i < 20; i++) h.Add(Entry(i), 900_000, 256 * 1024);
        // Each entry alone is over the budget: nothing is kept, and a joiner is sent nothing.
        Assert.Empty(h.Read(T0.AddSeconds(20), TimeSpan.FromHours(1)));
        Assert.Equal(0, h.Bytes);
        for (var i = 0; i < 30; i++) h.Add(Entry(i), 16 * 1024, 256 * 1024);
        var read = h.Read(T0.AddSeconds(30), TimeSpan.FromHours(1));
        Assert.Equal(16, read.Count);
        Assert.Equal("id14", read[0].Id);
        Assert.Equal("id29", read[^1].Id);
        Assert.Equal(16 * 16 * 1024, h.Bytes);
    }

    [Fact]
    public void Removing_and_expiring_give_their_bytes_back()
    {
        var h = new ChatHistory();
        h.Add(Entry(1, "a"), 1000, NoBudget);
        h.Add(Entry(2, "b"), 2000, NoBudget);
        h.Remove("a", null);
        Assert.Equal(2000, h.Bytes);
        h.Read(T0.AddHours(2), TimeSpan.FromHours(1));
        Assert.Equal(0, h.Bytes);
        h.Add(Entry(3, "c"), 500, NoBudget);
        h.Clear();
        Assert.Equal(0, h.Bytes);
    }
}
