using Tessera.Media.Codecs;
using Tessera.Media.Processing;
using Tessera.Media.Recording;
using Tessera.Media.Rtp;
using Tessera.Media.Sdp;
using Tessera.Media.Sfu;
using Tessera.Media.Testing;
using Tessera.Media.Tests.Sfu;

namespace Tessera.Media.Tests.Recording;

/// <summary>What the per-codec recording tests share: assembling packets, and recording a clip through a real track.</summary>
internal static class RecordingHarness
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The frames a fresh assembler of <paramref name="codec"/> completes from <paramref name="packets"/>, in hex.</summary>
    public static List<(string Unit, bool Key)> Assemble(Codec codec, IEnumerable<byte[]> packets)
    {
        var assembler = FrameAssembler.For(codec);
        var units = new List<(string, bool)>();
        foreach (var data in packets)
        {
            Assert.True(RtpPacket.TryParse(data, out var header));
            if (assembler.Add(new ReceivedPacket(data, header, default, T0)))
                units.Add((Convert.ToHexString(assembler.Frame), assembler.FrameIsKeyframe));
        }
        return units;
    }

    /// <summary>Every packet of <paramref name="clip"/>, unit after unit.</summary>
    public static List<byte[]> Packets(VideoPacketizer packetizer, IEnumerable<EncodedFrame> clip) =>
        clip.SelectMany(f => packetizer.Packets(f.Data, f.Milliseconds, f.Keyframe)).ToList();

    /// <summary>
    /// Every packet of <paramref name="clip"/> but one from the middle of a delta unit sent in more
    /// than two packets (the first such among units 2 to 21), and that unit's index.
    /// </summary>
    public static (List<byte[]> Packets, int Damaged) WithOneMiddlePacketLost(VideoPacketizer packetizer, IReadOnlyList<EncodedFrame> clip)
    {
        var perUnit = clip.Select(f => packetizer.Packets(f.Data, f.Milliseconds, f.Keyframe)).ToList();
        int damaged = Enumerable.Range(2, 20).First(i => perUnit[i].Count > 2);
        perUnit[damaged].RemoveAt(1);
        return (perUnit.SelectMany(p => p).ToList(), damaged);
    }

    /// <summary>
    /// Delivers <paramref name="clip"/>, packetised for <paramref name="codecName"/>, to an incoming
    /// track that a <see cref="StreamRecorder"/> records into <paramref name="path"/>; returns the
    /// recorder once its file is finished.
    /// </summary>
    public static async Task<StreamRecorder> RecordAsync(string codecName, int payloadType, string fmtp, IReadOnlyList<EncodedFrame> clip,
                                                         int maxPayload, string path)
    {
        var clock = new ManualTimeProvider();
        var codec = new NegotiatedCodec(payloadType, CodecCatalog.ByName(codecName)!, fmtp, ["nack pli"]);
        var media = new NegotiatedMedia("0", "video", [codec], new Dictionary<int, string>(), [], [7u], "s", "t");
        var track = new IncomingTrack("0", media, codec, 7, null, new RecordingSink(), 0x5E4F, clock);
        var recorder = new StreamRecorder(codec.Id, audio: false, () => File.Create(path), clock);
        Assert.True(recorder.Attach(track));
        var packetizer = new VideoPacketizer(codecName, ssrc: 7, payloadType: (byte)payloadType, maxPayload: maxPayload);
        foreach (var frame in clip)
        {
            foreach (var packet in packetizer.Packets(frame.Data, frame.Milliseconds, frame.Keyframe))
                track.Deliver(packet);
            clock.Advance(TimeSpan.FromMilliseconds(1000.0 / 30));
        }
        await recorder.StopAsync();
        return recorder;
    }
}
