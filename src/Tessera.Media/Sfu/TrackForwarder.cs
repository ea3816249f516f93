using Tessera.Media.Rtcp;
using Tessera.Media.Rtp;

namespace Tessera.Media.Sfu;

/// <summary>
/// Sends one incoming track to one receiver: each packet is copied, stripped of header extensions
/// (none are negotiated on down streams), and rewritten to the receiver's SSRC, payload type and a
/// continuous sequence/timestamp space. Answers the receiver's NACKs from the source's cache,
/// turns PLI/FIR into keyframe requests, remembers REMB and report blocks, and writes sender reports.
/// </summary>
public sealed partial class TrackForwarder : IDisposable
{
    private static readonly bool[] KeepNoExtensions = new bool[256];
    private readonly IRtpSink _sink;
    private readonly TimeProvider _time;
    private readonly SequenceRewriter _rewriter = new();
    private readonly byte[] _scratch = new byte[PacketCache.SlotSize + 64];
    private readonly object _gate = new();
    private IncomingTrack _source;
    private IncomingTrack? _pending;
    // What each recently sent sequence number was: the source and its number there, so NACKs are
    // answered correctly across layer switches and dropped packets.
    private const int HistorySize = 1024;
    private readonly SentPacket[] _history = new SentPacket[HistorySize];
    private long _packets;
    private long _octets;
    private DateTimeOffset _lastSendTime;

    public TrackForwarder(IncomingTrack source, uint ssrc, byte payloadType, IRtpSink sink, TimeProvider time)
    {
        _source = source;
        Ssrc = ssrc;
        PayloadType = payloadType;
        _sink = sink;
        _time = time;
        source.Attach(this);
    }

    public uint Ssrc { get; }
    public byte PayloadType { get; }
    public IncomingTrack Source => _source;

    /// <summary>The receiver's last REMB, if it sent one.</summary>
    public ulong? ReceiverBitrate { get; private set; }

    /// <summary>The receiver's last report block about this track.</summary>
    public ReceptionReport? LastReport { get; private set; }

    public long PacketsSent => Interlocked.Read(ref _packets);

    private readonly record struct SentPacket(IncomingTrack? Source, ushort SourceSequence, ushort Sequence, uint Timestamp, bool Marker);

    /// <summary>
    /// Forwards a packet of the current source (packets of a pending source wait for a keyframe).
    /// Its header, layers and arrival time are read once by the source for all its receivers.
    /// </summary>
    internal void Forward(IncomingTrack from, ReadOnlySpan<byte> packet, in RtpPacket rtp, PacketLayers layers, DateTimeOffset arrival)
    {
        IncomingTrack? retired = null;
        lock (_gate)
        {
            if (ReferenceEquals(from, _pending))
            {
                if (!StartsKeyframe(from, packet, rtp))
                    return;
                retired = _source;
                _source = from;
                _pending = null;
                _rewriter.SwitchSource();
            }
            else if (!ReferenceEquals(from, _source))
            {
                return;
            }
            SendLocked(packet, rtp, layers, arrival);
        }
        retired?.Detach(this);
    }

    private static bool StartsKeyframe(IncomingTrack track, ReadOnlySpan<byte> packet, in RtpPacket rtp) =>
        KeyframeDetector.IsKeyframe(track.Codec.Codec.Name, packet.Slice(rtp.PayloadOffset, rtp.PayloadLength));

    private void SendLocked(ReadOnlySpan<byte> packet, in RtpPacket rtp, PacketLayers layers, DateTimeOffset arrival)
    {
        if (packet.Length > PacketCache.SlotSize)
            return;
        ushort sourceSequence = rtp.SequenceNumber;
        bool marker = false;
        if (IsLayeredCodec && !Admit(layers, rtp.Marker, out marker))
        {
            _rewriter.Skip(sourceSequence);
            return;
        }
        if (!_rewriter.TryRewrite(sourceSequence, rtp.Timestamp, out ushort sequence, out uint timestamp))
            return;
        if (Send(packet, sequence, timestamp, marker))
        {
            // Counted only once really sent (SRTP up): sender reports are built from these counts.
            _history[sequence % HistorySize] = new SentPacket(_source, sourceSequence, sequence, timestamp, marker);
            _packets++;
            _octets += rtp.PayloadLength;
            _lastSendTime = arrival; // a clock read per forwarded packet costs more than the rest of the rewrite
        }
    }

    /// <summary>Copies, strips extensions, rewrites the header and hands the packet to the sink; false if not sent.</summary>
    private bool Send(ReadOnlySpan<byte> packet, ushort sequence, uint timestamp, bool marker = false)
    {
        packet.CopyTo(_scratch);
        int length = RtpRewriter.StripExtensions(_scratch, packet.Length, KeepNoExtensions);
        if (length < 0)
            return false;
        RtpRewriter.SetSsrc(_scratch, Ssrc);
        RtpRewriter.SetPayloadType(_scratch, PayloadType);
        RtpRewriter.SetSequenceNumber(_scratch, sequence);
        RtpRewriter.SetTimestamp(_scratch, timestamp);
        if (marker)
            RtpRewriter.SetMarker(_scratch, true);
        return _sink.SendRtp(_scratch, length);
    }

    /// <summary>
    /// Moves to another source (simulcast layer switch). The current source keeps flowing until the
    /// new one delivers a keyframe, which is requested now; numbering stays continuous.
    /// </summary>
    public void SwitchSource(IncomingTrack source)
    {
        IncomingTrack? abandoned = null;
        bool switching;
        lock (_gate)
        {
            if (_pending is not null && !ReferenceEquals(_pending, source))
                abandoned = _pending;
            switching = !ReferenceEquals(source, _source);
            _pending = switching ? source : null;
        }
        abandoned?.Detach(this);
        if (switching)
        {
            source.Attach(this);
            source.RequestKeyframe();
        }
    }

    /// <summary>The source being switched to, until its first keyframe arrives.</summary>
    public IncomingTrack? PendingSource => _pending;

    /// <summary>Handles feedback from the receiver about this forwarder's SSRC.</summary>
    public void HandleFeedback(RtcpPacket packet)
    {
        switch (packet)
        {
            case GenericNack nack:
                lock (_gate)
                {
                    Span<byte> cached = stackalloc byte[PacketCache.SlotSize];
                    foreach (ushort lost in nack.LostSequenceNumbers)
                    {
                        var sent = _history[lost % HistorySize];
                        if (sent.Source is null || sent.Sequence != lost)
                            continue;
                        int n = sent.Source.Cache.TryCopy(sent.SourceSequence, cached);
                        if (n > 0)
                            Send(cached[..n], sent.Sequence, sent.Timestamp, sent.Marker);
                    }
                }
                break;
            case PictureLossIndication:
            case FullIntraRequest:
                _source.RequestKeyframe();
                break;
            case ReceiverEstimatedMaxBitrate remb:
                ReceiverBitrate = remb.Bitrate;
                break;
        }
    }

    /// <summary>Round-trip time from the receiver's last report echoing one of our sender reports (RFC 3550 §6.4.1).</summary>
    public TimeSpan? RoundTripTime { get; private set; }

    public void HandleReport(ReceptionReport report)
    {
        LastReport = report;
        _freshReport = true;
        if (report.LastSenderReport == 0)
            return;
        uint now = (uint)(NtpTime.FromDateTime(_time.GetUtcNow()) >> 16);
        uint rtt = now - report.LastSenderReport - report.DelaySinceLastSenderReport;
        if (rtt < 0x8000_0000u) // ignore reports that would give a negative time
            RoundTripTime = TimeSpan.FromSeconds(rtt / 65536.0);
    }

    /// <summary>A sender report for this SSRC, with the RTP time extrapolated to now; null before the first packet.</summary>
    public SenderReport? CreateSenderReport()
    {
        lock (_gate)
        {
            if (_packets == 0)
                return null;
            var now = _time.GetUtcNow();
            int clock = _source.Codec.Codec.ClockRate;
            uint elapsed = (uint)Math.Max(0, (now - _lastSendTime).TotalSeconds * clock);
            return new SenderReport
            {
                Ssrc = Ssrc,
                NtpTimestamp = NtpTime.FromDateTime(now),
                RtpTimestamp = _rewriter.LastTimestamp + elapsed,
                PacketCount = (uint)_packets,
                OctetCount = (uint)_octets,
            };
        }
    }

    public void Dispose()
    {
        _source.Detach(this);
        _pending?.Detach(this);
    }
}
