using System.Text.Json.Nodes;

namespace Tessera.Protocol.Groups;

/// <summary>One stored broadcast chat message (protocol.md §4.7).</summary>
public sealed record ChatEntry(string? Id, string? Source, string? Username, DateTimeOffset Time, string? Kind, JsonNode? Value);

/// <summary>
/// The last 50 broadcast chat messages of a group, and at most a byte budget of them, in memory
/// only; entries older than the group's max-history-age are dropped when read. The budget keeps
/// what a joiner is sent well inside its queue, however large the messages. Not thread-safe: the
/// group's lock guards it.
/// </summary>
public sealed class ChatHistory
{
    public const int Capacity = 50;
    private readonly LinkedList<(ChatEntry Entry, int Bytes)> _entries = new();
    private long _bytes;

    /// <summary>Bytes of message values held now.</summary>
    public long Bytes => _bytes;

    /// <param name="bytes">The size of the entry's value, as counted against <paramref name="budget"/>.</param>
    public void Add(ChatEntry entry, int bytes, int budget)
    {
        _entries.AddLast((entry, bytes));
        _bytes += bytes;
        while (_entries.Count > Capacity || (_bytes > budget && _entries.First is not null)) RemoveFirst();
    }

    private void RemoveFirst()
    {
        _bytes -= _entries.First!.Value.Bytes;
        _entries.RemoveFirst();
    }

    public IReadOnlyList<ChatEntry> Read(DateTimeOffset now, TimeSpan maxAge)
    {
        while (_entries.First is { } first && now - first.Value.Entry.Time > maxAge) RemoveFirst();
        return _entries.Select(e => e.Entry).ToList();
    }

    public void Clear()
    {
        _entries.Clear();
        _bytes = 0;
    }

    /// <summary>Removes the entries of one client, or only its entry with the given id.</summary>
    public void Remove(string userId, string? id)
    {
        for (var node = _entries.First; node is not null;)
        {
            var next = node.Next;
            if (node.Value.Entry.Source == userId && (id is null || node.Value.Entry.Id == id))
            {
                _bytes -= node.Value.Bytes;
                _entries.Remove(node);
            }
            node = next;
        }
    }
}
