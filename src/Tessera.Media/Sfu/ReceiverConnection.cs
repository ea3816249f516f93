using System.Security.Cryptography;
using Tessera.Media.Codecs;
using Tessera.Media.Dtls;
using Tessera.Media.Processing;
using Tessera.Media.Rtcp;
using Tessera.Media.Sdp;
using Tessera.Media.Transport;

namespace Tessera.Media.Sfu;

/// <summary>
/// The server side of a receiver's down stream (protocol.md §12.3): the server offers one sendonly
/// section per track, applies the browser's answer, and forwards each source track through a
/// <see cref="TrackForwarder"/> once the transport is connected. Receiver feedback (NACK, PLI, FIR,
/// REMB, reports) is routed to the forwarder of the SSRC it names; sender reports go out every second.
/// </summary>
public sealed class ReceiverConnection : IMediaReceiver, IDisposable
{
    private readonly TimeProvider _time;
    private readonly string _streamId;
    private readonly string _cname;
    private readonly List<(OutgoingTrack Description, IncomingTrack Source)> _tracks = new();
    private readonly Dictionary<uint, TrackForwarder> _forwarders = new();
    private readonly object _gate = new();
    private readonly ITimer _reports;
    private readonly ulong _sessionId = (ulong)RandomNumberGenerator.GetInt32(1, int.MaxValue);
    private int _version;
    private readonly MediaCounters _counters;

    public ReceiverConnection(UdpMultiplexer multiplexer, DtlsCertificate certificate, string streamId, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _streamId = streamId;
        _cname = "tessera-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
        Transport = new PeerTransport(multiplexer, certificate, this);
        _counters = multiplexer.Counters;
        Transport.Connected += _ => OnConnected();
        _reports = _time.CreateTimer(_ => SendReports(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    // Our sections are sendonly: RTP from the receiver is not ours to handle.
    void IMediaReceiver.RtpReceived(Span<byte> packet) { }

    void IMediaReceiver.RtcpReceived(IReadOnlyList<RtcpPacket> packets) => OnRtcp(packets);

    public PeerTransport Transport { get; }

    public IReadOnlyList<TrackForwarder> Forwarders
    {
        get { lock (_gate) return _forwarders.Values.ToList(); }
    }

    /// <summary>Adds a section carrying <paramref name="source"/>; takes effect with the next offer/answer.</summary>
    public OutgoingTrack AddTrack(IncomingTrack source)
    {
        lock (_gate)
        {
            uint ssrc;
            do
                ssrc = (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);
            while (_tracks.Any(t => t.Description.Ssrc == ssrc));
            var description = new OutgoingTrack(_tracks.Count.ToString(), source.Kind, ssrc, _streamId,
                $"{_streamId}-{source.Kind.ToSdp()}-{_tracks.Count}", _cname, [source.Codec.Id]);
            _tracks.Add((description, source));
            return description;
        }
    }

    /// <summary>Stops sending a track; the next offer rejects its section.</summary>
    public void RemoveTrack(OutgoingTrack track)
    {
        TrackForwarder? forwarder;
        lock (_gate)
        {
            int i = _tracks.FindIndex(t => t.Description.Mid == track.Mid);
            if (i < 0)
                return;
            _tracks[i] = (_tracks[i].Description with { Active = false }, _tracks[i].Source);
            _forwarders.Remove(track.Ssrc, out forwarder);
        }
        forwarder?.Dispose();
    }

    /// <summary>The tracks as offered, removed ones included (inactive).</summary>
    public IReadOnlyList<OutgoingTrack> Tracks
    {
        get { lock (_gate) return _tracks.Select(t => t.Description).ToList(); }
    }

    /// <summary>Our next offer; with <paramref name="iceRestart"/> it carries new ICE credentials (protocol.md §12.8).</summary>
    public string CreateOffer(bool iceRestart = false)
    {
        if (iceRestart && Transport.State != PeerTransportState.New)
            Transport.RestartIce();
        lock (_gate)
            return DownstreamOfferBuilder.Build(Transport.Local, _tracks.Select(t => t.Description).ToList(), _sessionId, ++_version).ToString();
    }

    /// <summary>Applies the browser's answer: starts the transport the first time and creates the forwarders.</summary>
    public void ApplyAnswer(string answerSdp)
    {
        List<(OutgoingTrack Description, IncomingTrack Source)> tracks;
        lock (_gate)
            tracks = _tracks.ToList();
        var answer = DownstreamAnswer.Parse(SessionDescription.Parse(answerSdp), tracks.Select(t => t.Description).Where(t => t.Active).ToList());
        lock (_gate)
        {
            foreach (var (description, source) in tracks)
            {
                if (!description.Active || _forwarders.ContainsKey(description.Ssrc) || !answer.AcceptedPayloadTypes.TryGetValue(description.Mid, out var accepted))
                    continue;
                int pt = ChoosePayloadType(source.Codec, accepted);
                if (pt < 0)
                    continue;
                _forwarders[description.Ssrc] = new TrackForwarder(source, description.Ssrc, (byte)pt, Transport, _time);
            }
        }
        Transport.Update(answer.Remote);
        if (Transport.State == PeerTransportState.Connected)
            OnConnected();
    }

    /// <summary>Our offered payload type for the source's codec, matching VP9 profile and H.264 profile-level-id.</summary>
    private static int ChoosePayloadType(NegotiatedCodec source, IReadOnlyList<int> accepted)
    {
        var formats = CodecCatalog.OfferFormats(source.Id).Where(f => accepted.Contains(f.PayloadType)).ToList();
        if (formats.Count == 0)
            return -1;
        var sourceParams = new RtpMap(source.PayloadType, "", 0, 0, source.Fmtp, []).FmtpParameters();
        foreach (var f in formats)
        {
            var p = new RtpMap(f.PayloadType, "", 0, 0, f.Fmtp, []).FmtpParameters();
            bool vp9Match = p.TryGetValue("profile-id", out var profile) && profile == sourceParams.GetValueOrDefault("profile-id", "0");
            bool h264Match = p.TryGetValue("profile-level-id", out var level) && sourceParams.TryGetValue("profile-level-id", out var sourceLevel)
                && string.Equals(level[..4], sourceLevel[..Math.Min(4, sourceLevel.Length)], StringComparison.OrdinalIgnoreCase);
            if (vp9Match || h264Match)
                return f.PayloadType;
        }
        return formats[0].PayloadType;
    }

    private void OnConnected()
    {
        foreach (var f in Forwarders)
            f.Source.RequestKeyframe(); // the receiver cannot decode until the next keyframe
    }

    private void OnRtcp(IReadOnlyList<RtcpPacket> packets)
    {
        foreach (var packet in packets)
        {
            switch (packet)
            {
                case GenericNack nack:
                    _counters.Nack();
                    Find(nack.MediaSsrc)?.HandleFeedback(nack);
                    break;
                case PictureLossIndication pli:
                    _counters.KeyframeRequest();
                    Find(pli.MediaSsrc)?.HandleFeedback(pli);
                    break;
                case FullIntraRequest fir:
                    _counters.KeyframeRequest();
                    foreach (var (ssrc, _) in fir.Entries)
                        Find(ssrc)?.HandleFeedback(fir);
                    break;
                case ReceiverEstimatedMaxBitrate remb:
                    foreach (var f in remb.Ssrcs.Count > 0 ? remb.Ssrcs.Select(Find).OfType<TrackForwarder>() : Forwarders)
                        f.HandleFeedback(remb);
                    break;
                case ReceiverReport rr:
                    foreach (var block in rr.Reports)
                        Find(block.Ssrc)?.HandleReport(block);
                    break;
                case SenderReport sr:
                    foreach (var block in sr.Reports)
                        Find(block.Ssrc)?.HandleReport(block);
                    break;
            }
        }
    }

    private TrackForwarder? Find(uint ssrc)
    {
        lock (_gate)
            return _forwarders.GetValueOrDefault(ssrc);
    }

    /// <summary>
    /// The once-a-second work: each forwarder's layer decision (§12.6), then sender reports and our
    /// CNAME, for lip sync and RTT at the receiver.
    /// </summary>
    public void SendReports()
    {
        if (Transport.State != PeerTransportState.Connected)
            return;
        var forwarders = Forwarders;
        foreach (var f in forwarders)
            f.AdaptLayers();
        var reports = forwarders.Select(f => f.CreateSenderReport()).OfType<SenderReport>().ToList<RtcpPacket>();
        if (reports.Count == 0)
            return;
        var ssrc = ((SenderReport)reports[0]).Ssrc;
        reports.Add(new SourceDescription { Chunks = { new(ssrc, [(SourceDescription.CnameItem, _cname)]) } });
        Transport.SendRtcp(reports);
    }

    public void Dispose()
    {
        _reports.Dispose();
        foreach (var f in Forwarders)
            f.Dispose();
        Transport.Dispose();
    }
}
