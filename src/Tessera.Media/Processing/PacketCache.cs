using Tessera.Media.Codecs;

namespace Tessera.Media.Processing;

/// <summary>
/// The last packets of one incoming track, indexed by sequence number, for answering NACKs
/// (protocol.md §12.11: at least 24 packets for audio, 128 for video). Slots are preallocated;
/// storing copies into them. Thread-safe.
/// </summary>
public sealed class PacketCache : IReceiveProcessor
{
    public const int SlotSize = 1500;
    public const int MaxCapacity = 1024;
    private byte[][] _slots;
    private int[] _lengths;
    private ushort[] _sequences;
    private readonly object _gate = new();

    public PacketCache(int capacity)
    {
        if (capacity < 1 || capacity > MaxCapacity)
            throw new ArgumentOutOfRangeException(nameof(capacity), "1-1024 packets");
        Capacity = capacity;
        _slots = new byte[capacity][];
        _lengths = new int[capacity];
        _sequences = new ushort[capacity];
        for (int i = 0; i < capacity; i++)
            _slots[i] = new byte[SlotSize];
    }

    public int Capacity { get; private set; }

    /// <summary>Grows the cache (never shrinks it), keeping the packets it holds.</summary>
    public void Grow(int capacity)
    {
        capacity = Math.Min(capacity, MaxCapacity);
        lock (_gate)
        {
            if (capacity <= Capacity)
                return;
            var slots = new byte[capacity][];
            var lengths = new int[capacity];
            var sequences = new ushort[capacity];
            for (int i = 0; i < Capacity; i++)
            {
                if (_lengths[i] == 0)
                    continue;
                int slot = _sequences[i] % capacity;
                slots[slot] = _slots[i];
                lengths[slot] = _lengths[i];
                sequences[slot] = _sequences[i];
            }
            for (int i = 0; i < capacity; i++)
                slots[i] ??= new byte[SlotSize];
            (_slots, _lengths, _sequences, Capacity) = (slots, lengths, sequences, capacity);
        }
    }

    public static int DefaultCapacity(MediaKind kind) => kind == MediaKind.Audio ? 32 : 128;

    public void Store(ushort sequence, ReadOnlySpan<byte> packet)
    {
        if (packet.Length > SlotSize)
            return;
        lock (_gate)
        {
            int slot = sequence % Capacity;
            packet.CopyTo(_slots[slot]);
            _lengths[slot] = packet.Length;
            _sequences[slot] = sequence;
        }
    }

    /// <summary>Copies the cached packet with this sequence number into <paramref name="destination"/>; returns its length or 0.</summary>
    public int TryCopy(ushort sequence, Span<byte> destination)
    {
        lock (_gate)
        {
            int slot = sequence % Capacity;
            int length = _lengths[slot];
            if (length == 0 || _sequences[slot] != sequence || destination.Length < length)
                return 0;
            _slots[slot].AsSpan(0, length).CopyTo(destination);
            return length;
        }
    }

    public void OnReceived(in ReceivedPacket packet) => Store(packet.Header.SequenceNumber, packet.Data);
}
