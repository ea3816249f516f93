using Tessera.Media.Codecs;

namespace Tessera.Media.Sdp;

/// <summary>
/// Answers a browser's publishing offer (protocol.md §12.2): every accepted section is recvonly,
/// bundled, rtcp-muxed, with a=setup:passive (we are the DTLS server) and our host candidates.
/// Codecs are limited to the allowed names and keep the payload types the offer chose; video keeps
/// the offered subset of nack, nack pli, ccm fir and goog-remb. Simulcast RIDs are accepted.
/// </summary>
public static class PublishAnswerBuilder
{
    public static PublishAnswer Build(SessionDescription offer, LocalTransport local, IEnumerable<string>? allowedCodecs = null,
        IReadOnlyCollection<string>? acceptedExtensions = null)
    {
        var allowed = (allowedCodecs?.ToList() is { Count: > 0 } list ? list : CodecCatalog.DefaultNames.ToList())
            .Select(n => n.ToLowerInvariant()).ToHashSet();
        acceptedExtensions ??= RtpExtensionUris.AcceptedFromPublishers;
        var remote = RemoteTransport.From(offer);
        if (remote.Setup is not ("actpass" or "active"))
            throw new SdpFormatException($"a=setup:{remote.Setup} would make us the DTLS client, which is not supported");

        var sections = new List<MediaDescription>();
        var negotiated = new List<NegotiatedMedia>();
        int index = 0;
        foreach (var offered in offer.Media)
        {
            string mid = offered.Mid ?? index.ToString();
            index++;
            var answer = new MediaDescription { Media = offered.Media, Protocol = offered.Protocol };
            var codecs = offered.IsRejected || offered.Media is not ("audio" or "video") || offered.Direction is "recvonly" or "inactive"
                ? new List<NegotiatedCodec>()
                : SelectCodecs(offered, allowed);
            if (codecs.Count == 0)
            {
                Reject(answer, offered, mid);
                sections.Add(answer);
                continue;
            }
            if (!offered.HasAttribute("rtcp-mux"))
                throw new SdpFormatException($"m-line {mid} does not offer rtcp-mux");

            answer.Port = SdpWriterHelpers.Port(local);
            answer.Formats = codecs.Select(c => c.PayloadType.ToString()).ToList();
            SdpWriterHelpers.AddConnection(answer, local);
            SdpWriterHelpers.AddTransport(answer, local, "passive", mid);
            var extensions = offered.Extmaps().Where(e => acceptedExtensions.Contains(e.Value)).ToDictionary(e => e.Key, e => e.Value);
            foreach (var (id, uri) in extensions.OrderBy(e => e.Key))
                answer.Attributes.Add(new SdpAttribute("extmap", $"{id} {uri}"));
            answer.Attributes.Add(new SdpAttribute("recvonly"));
            answer.Attributes.Add(new SdpAttribute("rtcp-mux"));
            if (offered.HasAttribute("rtcp-rsize"))
                answer.Attributes.Add(new SdpAttribute("rtcp-rsize"));
            foreach (var c in codecs)
                SdpWriterHelpers.AddCodec(answer, c.PayloadType, c.Codec, c.Fmtp, c.Feedback);

            var rids = new List<string>();
            if (MediaKinds.FromSdp(offered.Media) == MediaKind.Video)
            {
                var sendRids = offered.Rids().Where(r => r.Direction == "send").Select(r => r.Id).ToList();
                rids = offered.SimulcastSendRids().Where(sendRids.Contains).ToList();
                if (rids.Count == 0)
                    rids = sendRids;
                foreach (string rid in rids)
                    answer.Attributes.Add(new SdpAttribute("rid", $"{rid} recv"));
                if (rids.Count > 0)
                    answer.Attributes.Add(new SdpAttribute("simulcast", "recv " + string.Join(';', rids)));
            }
            SdpWriterHelpers.AddCandidates(answer, local);
            sections.Add(answer);

            var (streamId, trackId) = Msid(offered);
            negotiated.Add(new NegotiatedMedia(mid, offered.Media, codecs, extensions, rids, PrimarySsrcs(offered), streamId, trackId));
        }

        var sdp = SdpWriterHelpers.NewSession((ulong)Random.Shared.NextInt64(1, long.MaxValue), 2, negotiated.Select(n => n.Mid));
        sdp.Media.AddRange(sections);
        return new PublishAnswer(sdp, remote, negotiated);
    }

    private static void Reject(MediaDescription answer, MediaDescription offered, string mid)
    {
        answer.Port = 0;
        answer.Formats = offered.Formats.Take(1).ToList();
        if (answer.Formats.Count == 0)
            answer.Formats.Add("0");
        answer.OtherLines.Add("c=IN IP4 0.0.0.0");
        answer.Attributes.Add(new SdpAttribute("mid", mid));
        answer.Attributes.Add(new SdpAttribute("inactive"));
    }

    private static List<NegotiatedCodec> SelectCodecs(MediaDescription offered, HashSet<string> allowed)
    {
        var result = new List<NegotiatedCodec>();
        foreach (var map in offered.RtpMaps())
        {
            var codec = CodecCatalog.ByEncoding(map.EncodingName, map.ClockRate);
            if (codec is null || codec.Kind.ToSdp() != offered.Media || !allowed.Contains(codec.Name) || !Acceptable(codec, map))
                continue;
            var feedback = codec.IsVideo
                ? CodecCatalog.VideoFeedback.Where(map.Feedback.Contains).ToList()
                : new List<string>();
            result.Add(new NegotiatedCodec(map.PayloadType, codec, map.Fmtp, feedback));
        }
        return result;
    }

    /// <summary>Format constraints we can forward: H.264 packetization-mode 1 only; VP9 profiles 0 and 2.</summary>
    private static bool Acceptable(CodecInfo codec, RtpMap map)
    {
        var p = map.FmtpParameters();
        return codec.Id switch
        {
            Codec.H264 => p.TryGetValue("packetization-mode", out var mode) && mode == "1",
            Codec.Vp9 => !p.TryGetValue("profile-id", out var profile) || profile is "0" or "2",
            _ => true,
        };
    }

    private static List<uint> PrimarySsrcs(MediaDescription offered)
    {
        var secondaries = offered.SsrcGroups().Where(g => g.Semantics == "FID" && g.Ssrcs.Count > 1)
            .SelectMany(g => g.Ssrcs.Skip(1)).ToHashSet();
        return offered.Ssrcs().Keys.Where(s => !secondaries.Contains(s)).ToList();
    }

    private static (string? Stream, string? Track) Msid(MediaDescription offered)
    {
        string? msid = offered.Attribute("msid")
            ?? offered.Ssrcs().Values.Select(a => a.GetValueOrDefault("msid")).FirstOrDefault(v => v is not null);
        if (msid is null)
            return (null, null);
        var parts = msid.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (parts.ElementAtOrDefault(0), parts.ElementAtOrDefault(1));
    }
}
