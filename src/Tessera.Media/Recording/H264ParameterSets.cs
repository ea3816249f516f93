using System.Buffers.Binary;
using Tessera.Media.Codecs;

namespace Tessera.Media.Recording;

/// <summary>
/// What a Matroska H.264 track needs from a keyframe's parameter sets: the
/// AVCDecoderConfigurationRecord (<c>avcC</c>, ISO/IEC 14496-15 §5.3.3) for CodecPrivate, and the
/// picture size the SPS gives (ITU-T H.264 §7.3.2.1.1).
/// </summary>
public static class H264ParameterSets
{
    /// <summary>The <c>avcC</c> record of the first SPS and PPS of a length-prefixed (AVCC) access unit; null when either is missing.</summary>
    public static byte[]? ConfigurationRecord(ReadOnlySpan<byte> accessUnit)
    {
        if (Find(accessUnit, H264Nal.Sps) is not { } sps || Find(accessUnit, H264Nal.Pps) is not { } pps || sps.Length < 4)
            return null;
        var record = new byte[6 + 2 + sps.Length + 1 + 2 + pps.Length];
        record[0] = 1; // configurationVersion
        record[1] = sps[1]; // profile_idc
        record[2] = sps[2]; // constraint flags
        record[3] = sps[3]; // level_idc
        record[4] = 0xFF; // six reserved 1 bits, lengthSizeMinusOne = 3
        record[5] = 0xE1; // three reserved 1 bits, one SPS
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(6), (ushort)sps.Length);
        sps.CopyTo(record.AsSpan(8));
        int at = 8 + sps.Length;
        record[at] = 1; // one PPS
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(at + 1), (ushort)pps.Length);
        pps.CopyTo(record.AsSpan(at + 3));
        return record;
    }

    /// <summary>The picture size of the first SPS of a length-prefixed access unit, cropping applied.</summary>
    public static (int Width, int Height)? PictureSize(ReadOnlySpan<byte> accessUnit) =>
        Find(accessUnit, H264Nal.Sps) is { } sps ? SpsPictureSize(Unescape(sps)) : null;

    private static (int, int)? SpsPictureSize(byte[] rbsp)
    {
        var bits = new BitReader(rbsp);
        bits.Read(8); // NAL header
        int profile = bits.ReadInt(8);
        bits.Read(16); // constraint flags, level_idc
        bits.ReadExpGolomb(); // seq_parameter_set_id
        uint chromaFormat = 1;
        if (profile is 100 or 110 or 122 or 244 or 44 or 83 or 86 or 118 or 128 or 138 or 139 or 134 or 135)
        {
            chromaFormat = bits.ReadExpGolomb();
            if (chromaFormat == 3)
                bits.Read(1); // separate_colour_plane_flag
            bits.ReadExpGolomb(); // bit_depth_luma_minus8
            bits.ReadExpGolomb(); // bit_depth_chroma_minus8
            bits.Read(1); // qpprime_y_zero_transform_bypass_flag
            if (bits.Flag()) // seq_scaling_matrix_present_flag
            {
                for (int i = 0; i < (chromaFormat != 3 ? 8 : 12); i++)
                    if (bits.Flag())
                        SkipScalingList(ref bits, i < 6 ? 16 : 64);
            }
        }
        bits.ReadExpGolomb(); // log2_max_frame_num_minus4
        uint pocType = bits.ReadExpGolomb();
        if (pocType == 0)
        {
            bits.ReadExpGolomb(); // log2_max_pic_order_cnt_lsb_minus4
        }
        else if (pocType == 1)
        {
            bits.Read(1); // delta_pic_order_always_zero_flag
            bits.ReadSignedExpGolomb(); // offset_for_non_ref_pic
            bits.ReadSignedExpGolomb(); // offset_for_top_to_bottom_field
            uint cycle = bits.ReadExpGolomb();
            for (uint i = 0; i < cycle && !bits.Overrun; i++)
                bits.ReadSignedExpGolomb();
        }
        bits.ReadExpGolomb(); // max_num_ref_frames
        bits.Read(1); // gaps_in_frame_num_value_allowed_flag
        long widthInMbs = bits.ReadExpGolomb() + 1L;
        long heightInMapUnits = bits.ReadExpGolomb() + 1L;
        bool frameMbsOnly = bits.Flag();
        if (!frameMbsOnly)
            bits.Read(1); // mb_adaptive_frame_field_flag
        bits.Read(1); // direct_8x8_inference_flag
        long width = widthInMbs * 16;
        long height = heightInMapUnits * 16 * (frameMbsOnly ? 1 : 2);
        if (bits.Flag()) // frame_cropping_flag
        {
            long left = bits.ReadExpGolomb(), right = bits.ReadExpGolomb();
            long top = bits.ReadExpGolomb(), bottom = bits.ReadExpGolomb();
            // Crop units: chroma samples for 4:2:0 and 4:2:2 horizontally, and for 4:2:0 vertically; fields count twice.
            long unitX = chromaFormat is 1 or 2 ? 2 : 1;
            long unitY = (chromaFormat == 1 ? 2 : 1) * (frameMbsOnly ? 1 : 2);
            width -= (left + right) * unitX;
            height -= (top + bottom) * unitY;
        }
        if (bits.Overrun || width is <= 0 or > 16384 || height is <= 0 or > 16384)
            return null;
        return ((int)width, (int)height);
    }

    private static void SkipScalingList(ref BitReader bits, int size)
    {
        int last = 8, next = 8;
        for (int j = 0; j < size && !bits.Overrun; j++)
        {
            if (next != 0)
                next = (last + (int)bits.ReadSignedExpGolomb() + 256) % 256;
            last = next == 0 ? last : next;
        }
    }

    /// <summary>The first NAL unit of <paramref name="type"/> in a length-prefixed access unit.</summary>
    private static byte[]? Find(ReadOnlySpan<byte> accessUnit, int type)
    {
        for (int at = 0; at + 4 < accessUnit.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(accessUnit[at..]);
            at += 4;
            if (length <= 0 || length > accessUnit.Length - at)
                return null;
            if (H264Nal.TypeOf(accessUnit[at]) == type)
                return accessUnit.Slice(at, length).ToArray();
            at += length;
        }
        return null;
    }

    /// <summary>Removes emulation prevention bytes (the 03 of every 00 00 03) to read the fields.</summary>
    private static byte[] Unescape(byte[] nal)
    {
        var rbsp = new List<byte>(nal.Length);
        int zeros = 0;
        foreach (byte b in nal)
        {
            if (zeros >= 2 && b == 3)
            {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            rbsp.Add(b);
        }
        return [.. rbsp];
    }
}
