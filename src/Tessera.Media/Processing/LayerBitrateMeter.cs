namespace Tessera.Media.Processing;

/// <summary>
/// Measures a source's bit rate per spatial and temporal layer over a sliding window of a few
/// seconds (slots of a quarter second), so that a receiver's budget can be compared with what each
/// layer combination costs. Fed from the receive thread, read from the connection's report timer.
/// </summary>
public sealed class LayerBitrateMeter : IReceiveProcessor
{
    public const int MaxLayers = 8; // TID and SID are 3-bit fields
    private const int Slots = 8;
    private static readonly TimeSpan SlotLength = TimeSpan.FromMilliseconds(250);

    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly long[,,] _bytes = new long[Slots, MaxLayers, MaxLayers];
    private readonly long[] _slotIndex = new long[Slots];
    private readonly long _origin;

    public LayerBitrateMeter(TimeProvider time)
    {
        _time = time;
        _origin = time.GetUtcNow().UtcTicks;
    }

    /// <summary>The window rates are averaged over: the completed slots before the current one.</summary>
    public static TimeSpan Window => SlotLength * (Slots - 1);

    private long SlotAt(DateTimeOffset time) => (time.UtcTicks - _origin) / SlotLength.Ticks;

    private long CurrentSlot() => SlotAt(_time.GetUtcNow());

    /// <summary>Counts one packet of <paramref name="bytes"/> payload bytes in layer (spatial, temporal), arrived now.</summary>
    public void Record(int spatial, int temporal, int bytes) => Record(spatial, temporal, bytes, _time.GetUtcNow());

    /// <summary>Counts one packet that arrived at <paramref name="arrival"/> (read once by the caller for all its uses).</summary>
    public void Record(int spatial, int temporal, int bytes, DateTimeOffset arrival)
    {
        if ((uint)spatial >= MaxLayers || (uint)temporal >= MaxLayers)
            return;
        long slot = SlotAt(arrival);
        if (slot < 0)
            return;
        int i = (int)(slot % Slots);
        lock (_gate)
        {
            if (_slotIndex[i] != slot)
            {
                _slotIndex[i] = slot;
                for (int s = 0; s < MaxLayers; s++)
                    for (int t = 0; t < MaxLayers; t++)
                        _bytes[i, s, t] = 0;
            }
            _bytes[i, spatial, temporal] += bytes;
        }
    }

    /// <summary>A snapshot of the per-layer rates (bit/s) over the window ending now.</summary>
    public LayerRates Snapshot()
    {
        long now = CurrentSlot();
        var bits = new ulong[MaxLayers, MaxLayers];
        lock (_gate)
        {
            for (int i = 0; i < Slots; i++)
            {
                long age = now - _slotIndex[i];
                if (age < 1 || age >= Slots)
                    continue; // the slot still filling, or a stale one
                for (int s = 0; s < MaxLayers; s++)
                    for (int t = 0; t < MaxLayers; t++)
                        bits[s, t] += (ulong)_bytes[i, s, t] * 8;
            }
        }
        double seconds = Window.TotalSeconds;
        for (int s = 0; s < MaxLayers; s++)
            for (int t = 0; t < MaxLayers; t++)
                bits[s, t] = (ulong)(bits[s, t] / seconds);
        return new LayerRates(bits);
    }

    public void OnReceived(in ReceivedPacket packet) =>
        Record(packet.Layers.Spatial, packet.Layers.Temporal, packet.Header.PayloadLength, packet.Arrival);
}
