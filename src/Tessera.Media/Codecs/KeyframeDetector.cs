namespace Tessera.Media.Codecs;

/// <summary>
/// Tells whether an RTP payload starts a keyframe, so that a receiver is switched to another source
/// only where it can start decoding. Audio is always decodable.
/// </summary>
public static class KeyframeDetector
{
    public static bool IsKeyframe(Codec codec, ReadOnlySpan<byte> payload) => codec switch
    {
        Codec.Vp8 => Vp8(payload),
        Codec.Vp9 => Vp9(payload),
        Codec.H264 => H264(payload),
        Codec.Av1 => Av1(payload),
        Codec.Opus or Codec.G722 or Codec.Pcmu or Codec.Pcma => true,
        _ => false,
    };

    /// <summary>RFC 7741 §4.2–4.3: start of partition 0 and the VP8 frame tag's P bit clear.</summary>
    private static bool Vp8(ReadOnlySpan<byte> p) =>
        Vp8Descriptor.StartsFrame(p) && Vp8Descriptor.Length(p) is { } at && p.Length > at && (p[at] & 0x01) == 0;

    private static bool Vp9(ReadOnlySpan<byte> p) => p.Length >= 1 && (p[0] & 0x40) == 0 && (p[0] & 0x08) != 0;

    /// <summary>RFC 6184: an IDR slice or SPS, in a single NAL unit, a STAP-A, or the first fragment of an FU-A.</summary>
    private static bool H264(ReadOnlySpan<byte> p)
    {
        if (p.Length < 1)
            return false;
        switch (H264Nal.TypeOf(p[0]))
        {
            case H264Nal.IdrSlice:
            case H264Nal.Sps:
                return true;
            case H264Nal.StapA: // 16-bit sizes followed by NAL units
                for (int at = 1; at + 2 < p.Length;)
                {
                    int size = (p[at] << 8) | p[at + 1];
                    if (H264Nal.TypeOf(p[at + 2]) is H264Nal.IdrSlice or H264Nal.Sps)
                        return true;
                    at += 2 + size;
                }
                return false;
            case H264Nal.FuA:
                return p.Length >= 2 && (p[1] & 0x80) != 0 && H264Nal.TypeOf(p[1]) is H264Nal.IdrSlice or H264Nal.Sps;
            default:
                return false;
        }
    }

    /// <summary>AV1 RTP aggregation header: N=1 marks the first packet of a coded video sequence.</summary>
    private static bool Av1(ReadOnlySpan<byte> p) => p.Length >= 1 && (p[0] & 0x08) != 0;
}
