using Tessera.Media.Codecs;

namespace Tessera.Media.Sdp;

/// <summary>
/// Builds the server's offer for a down stream (protocol.md §12.3): one sendonly section per track,
/// payload types and fmtp from files.md §4.6, video feedback goog-remb/nack/nack pli/ccm fir,
/// msid and a=ssrc lines so the browser can map SSRCs to tracks, a=setup:actpass (browsers answer
/// active, keeping us the DTLS server).
/// </summary>
public static class DownstreamOfferBuilder
{
    public static SessionDescription Build(LocalTransport local, IReadOnlyList<OutgoingTrack> tracks, ulong sessionId, int version)
    {
        var sdp = SdpWriterHelpers.NewSession(sessionId, version, tracks.Where(t => t.Active).Select(t => t.Mid));
        foreach (var track in tracks)
        {
            if (!track.Active)
            {
                var rejected = new MediaDescription { Media = track.Kind.ToSdp(), Port = 0 };
                var first = track.Codecs.SelectMany(CodecCatalog.OfferFormats).FirstOrDefault();
                rejected.Formats = [(first?.PayloadType ?? 0).ToString()];
                rejected.OtherLines.Add("c=IN IP4 0.0.0.0");
                rejected.Attributes.Add(new SdpAttribute("mid", track.Mid));
                rejected.Attributes.Add(new SdpAttribute("inactive"));
                sdp.Media.Add(rejected);
                continue;
            }
            var m = new MediaDescription { Media = track.Kind.ToSdp(), Port = SdpWriterHelpers.Port(local) };
            var codecs = track.Codecs.Select(CodecCatalog.ById).Where(c => c.Kind == track.Kind).ToList();
            if (codecs.Count == 0)
                throw new ArgumentException($"track {track.Mid} has no usable {track.Kind} codec");
            var formats = codecs.SelectMany(c => CodecCatalog.OfferFormats(c.Id).Select(f => (Codec: c, Format: f))).ToList();
            m.Formats = formats.Select(f => f.Format.PayloadType.ToString()).ToList();
            SdpWriterHelpers.AddConnection(m, local);
            SdpWriterHelpers.AddTransport(m, local, "actpass", track.Mid);
            m.Attributes.Add(new SdpAttribute("sendonly"));
            m.Attributes.Add(new SdpAttribute("msid", $"{track.StreamId} {track.TrackId}"));
            m.Attributes.Add(new SdpAttribute("rtcp-mux"));
            m.Attributes.Add(new SdpAttribute("rtcp-rsize"));
            foreach (var (codec, format) in formats)
                SdpWriterHelpers.AddCodec(m, format.PayloadType, codec, format.Fmtp, codec.IsVideo ? CodecCatalog.VideoFeedback : []);
            m.Attributes.Add(new SdpAttribute("ssrc", $"{track.Ssrc} cname:{track.Cname}"));
            m.Attributes.Add(new SdpAttribute("ssrc", $"{track.Ssrc} msid:{track.StreamId} {track.TrackId}"));
            SdpWriterHelpers.AddCandidates(m, local);
            sdp.Media.Add(m);
        }
        return sdp;
    }
}
