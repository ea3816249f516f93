namespace Tessera.Media.Sfu;

/// <summary>
/// The last packets of one incoming track, indexed by sequence number, for answering NACKs
/// (protocol.md §12.11: at least 24 packets for audio, 128 for video). Slots are preallocated;
/// storing copies into them. Thread-safe.
/// </summary>
public sealed class PacketCache
{
    public const int SlotSize = 1500;
    private readonly byte[][] _slots;
    private readonly int[] _lengths;
    private readonly ushort[] _sequences;
    private readonly object _gate = new();

    public PacketCache(int capacity)
    {
        if (capacity < 1 || capacity > 1024)
            throw new ArgumentOutOfRangeException(nameof(capacity), "1-1024 packets");
        Capacity = capacity;
        _slots = new byte[capacity][];
        _lengths = new int[capacity];
        _sequences = new ushort[capacity];
        for (int i = 0; i < capacity; i++)
            _slots[i] = new byte[SlotSize];
    }

    public int Capacity { get; }

    public static int DefaultCapacity(string kind) => kind == "audio" ? 32 : 128;

    public void Store(ushort sequence, ReadOnlySpan<byte> packet)
    {
        if (packet.Length > SlotSize)
            return;
        int slot = sequence % Capacity;
        lock (_gate)
        {
            packet.CopyTo(_slots[slot]);
            _lengths[slot] = packet.Length;
            _sequences[slot] = sequence;
        }
    }

    /// <summary>Copies the cached packet with this sequence number into <paramref name="destination"/>; returns its length or 0.</summary>
    public int TryCopy(ushort sequence, Span<byte> destination)
    {
        int slot = sequence % Capacity;
        lock (_gate)
        {
            int length = _lengths[slot];
            if (length == 0 || _sequences[slot] != sequence || destination.Length < length)
                return 0;
            _slots[slot].AsSpan(0, length).CopyTo(destination);
            return length;
        }
    }
}
