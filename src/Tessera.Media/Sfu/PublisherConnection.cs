using System.Security.Cryptography;
using System.Text;
using Tessera.Media.Dtls;
using Tessera.Media.Processing;
using Tessera.Media.Rtcp;
using Tessera.Media.Rtp;
using Tessera.Media.Sdp;
using Tessera.Media.Transport;

namespace Tessera.Media.Sfu;

/// <summary>
/// The server side of a publisher's stream (protocol.md §12.2): answers the offer, receives the
/// media, discovers tracks as their first packets arrive (by MID/RID header extensions, a=ssrc
/// lines or payload type), and every second sends receiver reports and, when negotiated, REMB.
/// </summary>
public sealed class PublisherConnection : IMediaReceiver, IDisposable
{
    private readonly TimeProvider _time;
    // Replaced whole on each new track, never changed in place: the per-packet lookup needs no lock.
    private volatile Dictionary<uint, IncomingTrack> _bySsrc = new();
    private readonly object _gate = new(); // serialises discoveries

    /// <summary>Tracks one connection may carry (each costs a cache of up to 1,024 packets).</summary>
    public const int MaxTracks = 32;
    private readonly ITimer _reports;
    private readonly uint _localSsrc = RandomNumberGenerator.GetInt32(1, int.MaxValue) is var r ? (uint)r : 1;
    private IReadOnlyList<IncomingTrack> _tracks = [];
    private readonly IReadOnlyList<string>? _codecs;
    private volatile PublishAnswer _negotiation;

    private PublisherConnection(UdpMultiplexer multiplexer, DtlsCertificate certificate, SessionDescription offer,
        IReadOnlyList<string>? codecs, TimeProvider time)
    {
        Transport = new PeerTransport(multiplexer, certificate, this);
        try
        {
            _negotiation = PublishAnswerBuilder.Build(offer, Transport.Local, codecs);
        }
        catch
        {
            Transport.Dispose();
            throw;
        }
        _codecs = codecs;
        _time = time;
        _reports = time.CreateTimer(_ => SendReports(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>Answers a publishing offer; the answer restricts codecs to <paramref name="codecs"/> (empty: vp8 and opus).</summary>
    public static PublisherConnection Accept(UdpMultiplexer multiplexer, DtlsCertificate certificate, string offerSdp,
        IEnumerable<string>? codecs = null, TimeProvider? time = null)
    {
        var offer = SessionDescription.Parse(offerSdp);
        var connection = new PublisherConnection(multiplexer, certificate, offer, codecs?.ToList(), time ?? TimeProvider.System);
        try
        {
            connection.Transport.Start(connection.Negotiation.Remote);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    void IMediaReceiver.RtpReceived(Span<byte> packet) => OnRtp(packet);

    void IMediaReceiver.RtcpReceived(IReadOnlyList<RtcpPacket> packets) => OnRtcp(packets);

    public PeerTransport Transport { get; }
    public PublishAnswer Negotiation => _negotiation;
    public string AnswerSdp => Negotiation.Sdp;

    /// <summary>
    /// Answers a new offer on the same stream (protocol.md §12.2 step 3). A new remote ufrag means an
    /// ICE restart: the answer then carries new credentials of ours. Tracks already received keep flowing.
    /// </summary>
    public string Renegotiate(string offerSdp)
    {
        var offer = SessionDescription.Parse(offerSdp);
        var remote = RemoteTransport.From(offer);
        if (!remote.Fingerprint.Equals(Negotiation.Remote.Fingerprint))
            throw new SdpFormatException("the DTLS fingerprint cannot change on a renegotiation");
        Transport.Update(remote);
        var negotiation = PublishAnswerBuilder.Build(offer, Transport.Local, _codecs);
        _negotiation = negotiation;
        return negotiation.Sdp;
    }

    /// <summary>Tracks in the order their first packet arrived.</summary>
    public IReadOnlyList<IncomingTrack> Tracks => Volatile.Read(ref _tracks);

    /// <summary>Raised (on the receive thread) when a track's first packet arrives.</summary>
    public event Action<IncomingTrack>? TrackAdded;

    private void OnRtp(Span<byte> packet)
    {
        uint ssrc = RtpRewriter.GetSsrc(packet);
        if (!_bySsrc.TryGetValue(ssrc, out var track))
        {
            track = Discover(packet, ssrc);
            if (track is null)
                return;
            TrackAdded?.Invoke(track);
        }
        track.Deliver(packet);
    }

    private IncomingTrack? Discover(ReadOnlySpan<byte> packet, uint ssrc)
    {
        if (!RtpPacket.TryParse(packet, out var rtp))
            return null;
        var extensions = rtp.GetExtensions(packet);
        if (ExtensionValue(packet, extensions, RtpExtensionUris.RepairedRtpStreamId) is not null)
            return null; // retransmission stream: not negotiated, never forwarded
        string? mid = ExtensionValue(packet, extensions, RtpExtensionUris.Mid);
        string? rid = ExtensionValue(packet, extensions, RtpExtensionUris.RtpStreamId);
        var section = Negotiation.Media.FirstOrDefault(m => m.Mid == mid)
            ?? Negotiation.Media.FirstOrDefault(m => m.Ssrcs.Contains(ssrc))
            ?? Negotiation.Media.FirstOrDefault(m => m.CodecFor(rtp.PayloadType) is not null);
        if (section is null)
            return null;
        var codec = section.CodecFor(rtp.PayloadType);
        if (codec is null)
            return null;
        if (section.SimulcastRids.Count > 0 && (rid is null || !section.SimulcastRids.Contains(rid)))
            return null; // simulcast encodings are told apart by RID; wait for a packet that carries it
        var track = new IncomingTrack(rid is null ? section.Mid : $"{section.Mid}:{rid}", section, codec, ssrc, rid, Transport, _localSsrc, _time);
        lock (_gate)
        {
            if (_bySsrc.TryGetValue(ssrc, out var existing))
                return existing;
            if (_bySsrc.Count >= MaxTracks)
                return null; // a browser sends a handful; past this only a misbehaving peer would go on
            _bySsrc = new Dictionary<uint, IncomingTrack>(_bySsrc) { [ssrc] = track };
            _tracks = [.. _tracks, track];
        }
        return track;
    }

    /// <summary>The text of the header extension negotiated for <paramref name="uri"/> (MID and RID are ASCII).</summary>
    private string? ExtensionValue(ReadOnlySpan<byte> packet, List<RtpHeaderExtension> extensions, string uri)
    {
        foreach (var media in Negotiation.Media)
        {
            int id = media.ExtensionId(uri);
            if (id == 0)
                continue;
            foreach (var e in extensions)
                if (e.Id == id)
                    return Encoding.ASCII.GetString(packet.Slice(e.DataOffset, e.DataLength));
        }
        return null;
    }

    private void OnRtcp(IReadOnlyList<RtcpPacket> packets)
    {
        foreach (var packet in packets)
        {
            if (packet is SenderReport sr)
            {
                _bySsrc.TryGetValue(sr.Ssrc, out var track);
                track?.Statistics.OnSenderReport(sr.NtpTimestamp);
            }
        }
    }

    /// <summary>Receiver reports for every track, and one REMB covering them when goog-remb was negotiated.</summary>
    public void SendReports()
    {
        var tracks = Tracks;
        if (tracks.Count == 0 || Transport.State != PeerTransportState.Connected)
            return;
        foreach (var t in tracks)
            t.AdjustCache(TimeSpan.FromSeconds(1));
        var packets = new List<RtcpPacket>();
        var blocks = tracks.Select(t => t.Statistics.CreateReport()).OfType<ReceptionReport>().Take(31).ToList();
        packets.Add(new ReceiverReport { Ssrc = _localSsrc, Reports = blocks });
        if (Negotiation.Media.Any(m => m.HasFeedback("goog-remb")))
        {
            ulong total = 0;
            foreach (var t in tracks)
                total += t.TargetBitrate();
            packets.Add(new ReceiverEstimatedMaxBitrate
            {
                SenderSsrc = _localSsrc,
                Bitrate = Math.Min(total, 1UL << 30),
                Ssrcs = tracks.Select(t => t.Ssrc).Take(255).ToList(),
            });
        }
        Transport.SendRtcp(packets);
    }

    public void Dispose()
    {
        _reports.Dispose();
        Transport.Dispose();
    }
}
