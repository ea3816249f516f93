using Tessera.Media.Rtcp;
using Tessera.Media.Sdp;
using Tessera.Media.Sfu;
using Tessera.Media.Transport;
using Tessera.Server.Streams;

namespace Tessera.Server.Tests;

/// <summary>protocol.md §12.4–12.6: which tracks a receiver gets and what its layer selector may choose from.</summary>
public sealed class TrackSelectionTests
{
    private sealed class NoFeedback : IRtpSink
    {
        public bool SendRtp(Span<byte> buffer, int length) => false;
        public void SendRtcp(IReadOnlyList<RtcpPacket> packets) { }
    }

    private static uint _ssrc = 100;

    private static IncomingTrack Track(string mid, string kind, string codec, string? rid = null, params string[] rids)
    {
        var negotiated = new NegotiatedCodec(96, CodecCatalog.ByName(codec)!, "", []);
        var media = new NegotiatedMedia(mid, kind, [negotiated], new Dictionary<int, string>(), rids, [], null, null);
        return new IncomingTrack(rid is null ? mid : $"{mid}:{rid}", media, negotiated, _ssrc++, rid, new NoFeedback(), 1, TimeProvider.System);
    }

    [Fact]
    public void The_high_simulcast_encoding_may_fall_back_to_the_low_one_but_not_the_reverse()
    {
        // The low encoding's first packet arrived first: the publisher's RID order still decides.
        var low = Track("1", "video", "vp8", "l", "h", "l");
        var high = Track("1", "video", "vp8", "h", "h", "l");
        var audio = Track("0", "audio", "opus");
        IReadOnlyList<IncomingTrack> tracks = [audio, low, high];

        Assert.Equal([high], TrackSelection.Select(tracks, ["video"]));
        Assert.Equal([low, high], TrackSelection.AdaptiveEncodings(tracks, high));
        Assert.Empty(TrackSelection.AdaptiveEncodings(tracks, low));     // video-low stays low
        Assert.Empty(TrackSelection.AdaptiveEncodings(tracks, audio));
        Assert.Empty(TrackSelection.AdaptiveEncodings([audio, high], high)); // l has not arrived yet
    }

    [Fact]
    public void Only_the_first_and_last_of_three_encodings_matter()
    {
        var f = Track("1", "video", "vp8", "f", "f", "m", "q");
        var m = Track("1", "video", "vp8", "m", "f", "m", "q");
        var q = Track("1", "video", "vp8", "q", "f", "m", "q");
        Assert.Equal([q, f], TrackSelection.AdaptiveEncodings([m, q, f], f));
    }

    [Fact]
    public void Video_low_restricts_a_single_scalable_track_to_its_lowest_spatial_layer()
    {
        var vp9 = Track("1", "video", "vp9");
        var audio = Track("0", "audio", "opus");
        Assert.True(TrackSelection.LowestSpatialLayerOnly([audio, vp9], ["audio", "video-low"]));
        Assert.False(TrackSelection.LowestSpatialLayerOnly([audio, vp9], ["audio", "video", "video-low"])); // video wins
        Assert.False(TrackSelection.LowestSpatialLayerOnly([audio, vp9], ["audio", "video"]));
        var other = Track("2", "video", "vp9");
        Assert.False(TrackSelection.LowestSpatialLayerOnly([audio, vp9, other], ["video-low"])); // the last track is the low one
        Assert.Equal([other], TrackSelection.Select([audio, vp9, other], ["video-low"]));
    }
}
