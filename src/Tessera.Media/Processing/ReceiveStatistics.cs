using Tessera.Media.Rtcp;

namespace Tessera.Media.Processing;

/// <summary>
/// Reception statistics of one incoming SSRC (RFC 3550 §6.4.1, Appendix A.3 and A.8): extended
/// highest sequence, cumulative and interval loss, interarrival jitter, and the LSR/DLSR pair from
/// the sender's last SR. Produces report blocks for our receiver reports. Thread-safe.
/// </summary>
public sealed class ReceiveStatistics : IReceiveProcessor
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly int _clockRate;
    private bool _started;
    private uint _baseSequence;
    private uint _cycles;
    private ushort _maxSequence;
    private long _received;
    private long _expectedPrior;
    private long _receivedPrior;
    private double _jitter;
    private long _lastTransit;
    private bool _haveTransit;
    private uint _lastSrMiddle;
    private DateTimeOffset _lastSrArrival;
    private byte _lastFractionLost;

    public ReceiveStatistics(uint ssrc, int clockRate, TimeProvider time)
    {
        Ssrc = ssrc;
        _clockRate = clockRate;
        _time = time;
    }

    public uint Ssrc { get; }

    public long PacketsReceived
    {
        get { lock (_gate) return _received; }
    }

    public uint ExtendedHighestSequence
    {
        get { lock (_gate) return _cycles + _maxSequence; }
    }

    /// <summary>The loss fraction (in 256ths) of the last reported interval, for statistics.</summary>
    public byte LastFractionLost
    {
        get { lock (_gate) return _lastFractionLost; }
    }

    /// <summary>The interarrival jitter (RFC 3550 §6.4.1) in milliseconds.</summary>
    public double JitterMilliseconds
    {
        get { lock (_gate) return _jitter * 1000.0 / _clockRate; }
    }

    /// <summary>
    /// Records a packet. Returns how many sequence numbers it reveals as missing; they are the
    /// contiguous run starting at <paramref name="firstMissing"/> (for NACK).
    /// </summary>
    public int OnPacket(ushort sequence, uint rtpTimestamp, out ushort firstMissing) =>
        OnPacket(sequence, rtpTimestamp, _time.GetUtcNow(), out firstMissing);

    /// <summary>As above, with the arrival time already read (one clock read per packet for all its uses).</summary>
    public int OnPacket(ushort sequence, uint rtpTimestamp, DateTimeOffset now, out ushort firstMissing)
    {
        int missing = 0;
        firstMissing = 0;
        lock (_gate)
        {
            if (!_started)
            {
                _started = true;
                _baseSequence = sequence;
                _maxSequence = sequence;
            }
            else
            {
                ushort delta = (ushort)(sequence - _maxSequence);
                if (delta != 0 && delta < 0x8000)
                {
                    missing = delta - 1;
                    firstMissing = (ushort)(_maxSequence + 1);
                    if (sequence < _maxSequence)
                        _cycles += 0x10000;
                    _maxSequence = sequence;
                }
            }
            _received++;
            if (_clockRate > 0)
            {
                long arrival = (long)(now.ToUnixTimeMilliseconds() * (_clockRate / 1000.0));
                long transit = arrival - rtpTimestamp;
                if (_haveTransit)
                {
                    long d = Math.Abs(transit - _lastTransit);
                    _jitter += (d - _jitter) / 16.0;
                }
                _lastTransit = transit;
                _haveTransit = true;
            }
        }
        return missing;
    }

    /// <summary>Convenience for tests and diagnostics: the missing sequence numbers as a list.</summary>
    public List<ushort> OnPacket(ushort sequence, uint rtpTimestamp)
    {
        int count = OnPacket(sequence, rtpTimestamp, out ushort first);
        var list = new List<ushort>(count);
        for (int i = 0; i < count; i++)
            list.Add((ushort)(first + i));
        return list;
    }

    /// <summary>Remembers the middle 32 bits of a sender report's NTP time and when it arrived.</summary>
    public void OnSenderReport(ulong ntpTimestamp)
    {
        lock (_gate)
        {
            _lastSrMiddle = (uint)(ntpTimestamp >> 16);
            _lastSrArrival = _time.GetUtcNow();
        }
    }

    /// <summary>A report block covering the interval since the previous call, or null before any packet.</summary>
    public ReceptionReport? CreateReport()
    {
        lock (_gate)
        {
            if (!_started)
                return null;
            long extendedMax = _cycles + _maxSequence;
            long expected = extendedMax - _baseSequence + 1;
            long lost = expected - _received;
            long expectedInterval = expected - _expectedPrior;
            long receivedInterval = _received - _receivedPrior;
            _expectedPrior = expected;
            _receivedPrior = _received;
            long lostInterval = expectedInterval - receivedInterval;
            byte fraction = expectedInterval == 0 || lostInterval <= 0 ? (byte)0 : (byte)Math.Min(255, (lostInterval << 8) / expectedInterval);
            _lastFractionLost = fraction;
            uint dlsr = 0;
            if (_lastSrMiddle != 0)
                dlsr = (uint)Math.Min(uint.MaxValue, (_time.GetUtcNow() - _lastSrArrival).TotalSeconds * 65536);
            return new ReceptionReport
            {
                Ssrc = Ssrc,
                FractionLost = fraction,
                CumulativeLost = (int)Math.Clamp(lost, -0x800000, 0x7FFFFF),
                HighestSequence = (uint)extendedMax,
                Jitter = (uint)_jitter,
                LastSenderReport = _lastSrMiddle,
                DelaySinceLastSenderReport = dlsr,
            };
        }
    }

    public void OnReceived(in ReceivedPacket packet) =>
        OnPacket(packet.Header.SequenceNumber, packet.Header.Timestamp, packet.Arrival, out _);
}
