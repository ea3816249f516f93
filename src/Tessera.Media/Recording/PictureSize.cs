using Tessera.Media.Codecs;

namespace Tessera.Media.Recording;

/// <summary>Reads a keyframe's picture size from the codec's own header, for the file's track entry.</summary>
public static class PictureSize
{
    public static (int Width, int Height)? Of(Codec codec, ReadOnlySpan<byte> keyframe) => codec switch
    {
        Codec.Vp8 => Vp8(keyframe),
        Codec.Vp9 => Vp9(keyframe),
        Codec.Av1 => Av1SequenceHeader.In(keyframe) is { } header ? (header.MaxWidth, header.MaxHeight) : null,
        Codec.H264 => H264ParameterSets.PictureSize(keyframe),
        _ => null,
    };

    /// <summary>RFC 6386 §9.1: a 3-byte frame tag, the start code 9d 01 2a, then 14-bit width and height.</summary>
    private static (int, int)? Vp8(ReadOnlySpan<byte> f)
    {
        if (f.Length < 10 || (f[0] & 1) != 0 || f[3] != 0x9d || f[4] != 0x01 || f[5] != 0x2a)
            return null;
        int width = (f[6] | (f[7] << 8)) & 0x3FFF;
        int height = (f[8] | (f[9] << 8)) & 0x3FFF;
        return width > 0 && height > 0 ? (width, height) : null;
    }

    /// <summary>VP9 uncompressed header of a keyframe: marker, profile, frame type, sync code, colour config, then sizes minus one.</summary>
    private static (int, int)? Vp9(ReadOnlySpan<byte> f)
    {
        var bits = new BitReader(f);
        if (bits.Read(2) != 2)
            return null;
        int profile = bits.ReadInt(1) | (bits.ReadInt(1) << 1);
        if (profile == 3)
            bits.Read(1);
        if (bits.Read(1) == 1) // show_existing_frame
            return null;
        if (bits.Read(1) != 0) // frame_type: 0 is a keyframe
            return null;
        bits.Read(2); // show_frame, error_resilient_mode
        if (bits.Read(24) != 0x498342)
            return null;
        if (profile >= 2)
            bits.Read(1); // ten_or_twelve_bit
        int colourSpace = bits.ReadInt(3);
        if (colourSpace != 7) // not RGB
        {
            bits.Read(1); // colour range
            if (profile is 1 or 3)
                bits.Read(3); // subsampling x, y, reserved
        }
        else if (profile is 1 or 3)
        {
            bits.Read(1);
        }
        int width = bits.ReadInt(16) + 1;
        int height = bits.ReadInt(16) + 1;
        return bits.Overrun ? null : (width, height);
    }
}
