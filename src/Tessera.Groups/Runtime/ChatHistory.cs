using System.Text.Json.Nodes;

namespace Tessera.Groups.Runtime;

/// <summary>One stored broadcast chat message (protocol.md §4.7).</summary>
public sealed record ChatEntry(string? Id, string? Source, string? Username, DateTimeOffset Time, string? Kind, JsonNode? Value);

/// <summary>
/// The last 50 broadcast chat messages of a group, in memory only; entries older than the
/// group's max-history-age are dropped when read. Not thread-safe: the group's lock guards it.
/// </summary>
public sealed class ChatHistory
{
    public const int Capacity = 50;
    private readonly LinkedList<ChatEntry> _entries = new();

    public void Add(ChatEntry entry)
    {
        _entries.AddLast(entry);
        while (_entries.Count > Capacity) _entries.RemoveFirst();
    }

    public IReadOnlyList<ChatEntry> Read(DateTimeOffset now, TimeSpan maxAge)
    {
        while (_entries.First is { } first && now - first.Value.Time > maxAge) _entries.RemoveFirst();
        return _entries.ToList();
    }

    public void Clear() => _entries.Clear();

    /// <summary>Removes the entries of one client, or only its entry with the given id.</summary>
    public void Remove(string userId, string? id)
    {
        for (var node = _entries.First; node is not null;)
        {
            var next = node.Next;
            if (node.Value.Source == userId && (id is null || node.Value.Id == id)) _entries.Remove(node);
            node = next;
        }
    }
}
