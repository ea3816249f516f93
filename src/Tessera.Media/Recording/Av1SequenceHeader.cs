namespace Tessera.Media.Recording;

/// <summary>
/// What the recorder needs from an AV1 sequence header OBU (AV1 specification §5.5): the profile,
/// level, tier and colour format the Matroska track's <c>av1C</c> record repeats, the largest
/// picture size, and whether frame headers are reduced (still pictures).
/// </summary>
public sealed record Av1SequenceHeader(
    int Profile, int Level, int Tier, bool HighBitDepth, bool TwelveBit, bool Monochrome,
    bool SubsamplingX, bool SubsamplingY, int ChromaSamplePosition, int MaxWidth, int MaxHeight,
    bool ReducedStillPictureHeader)
{
    /// <summary>Parses a sequence header OBU's payload; null when malformed.</summary>
    public static Av1SequenceHeader? Parse(ReadOnlySpan<byte> payload)
    {
        var b = new BitReader(payload);
        int profile = b.ReadInt(3);
        b.Read(1); // still_picture
        bool reduced = b.Flag();
        int level, tier = 0;
        if (reduced)
        {
            level = b.ReadInt(5);
        }
        else
        {
            bool decoderModelInfo = false;
            int bufferDelayLength = 0;
            if (b.Flag()) // timing_info_present_flag
            {
                b.Read(32); // num_units_in_display_tick
                b.Read(32); // time_scale
                if (b.Flag()) // equal_picture_interval
                    b.SkipUvlc();
                decoderModelInfo = b.Flag();
                if (decoderModelInfo)
                {
                    bufferDelayLength = b.ReadInt(5) + 1;
                    b.Read(32); // num_units_in_decoding_tick
                    b.Read(10); // buffer_removal_time_length_minus_1, frame_presentation_time_length_minus_1
                }
            }
            bool initialDisplayDelay = b.Flag();
            int operatingPoints = b.ReadInt(5) + 1;
            level = 0;
            for (int i = 0; i < operatingPoints; i++)
            {
                b.Read(12); // operating_point_idc
                int seqLevel = b.ReadInt(5);
                int seqTier = seqLevel > 7 ? b.ReadInt(1) : 0;
                if (i == 0)
                    (level, tier) = (seqLevel, seqTier);
                if (decoderModelInfo && b.Flag())
                {
                    b.Read(bufferDelayLength); // decoder_buffer_delay
                    b.Read(bufferDelayLength); // encoder_buffer_delay
                    b.Read(1); // low_delay_mode_flag
                }
                if (initialDisplayDelay && b.Flag())
                    b.Read(4);
            }
        }
        int widthBits = b.ReadInt(4) + 1;
        int heightBits = b.ReadInt(4) + 1;
        int maxWidth = b.ReadInt(widthBits) + 1;
        int maxHeight = b.ReadInt(heightBits) + 1;
        if (!reduced && b.Flag()) // frame_id_numbers_present_flag
            b.Read(7);
        b.Read(3); // use_128x128_superblock, enable_filter_intra, enable_intra_edge_filter
        if (!reduced)
        {
            b.Read(4); // interintra compound, masked compound, warped motion, dual filter
            bool orderHint = b.Flag();
            if (orderHint)
                b.Read(2); // jnt_comp, ref_frame_mvs
            int forceScreenContentTools = b.Flag() ? 2 : b.ReadInt(1); // seq_choose_screen_content_tools
            if (forceScreenContentTools > 0 && !b.Flag()) // seq_choose_integer_mv
                b.Read(1);
            if (orderHint)
                b.Read(3);
        }
        b.Read(3); // superres, cdef, restoration

        // color_config()
        bool highBitDepth = b.Flag();
        bool twelveBit = profile == 2 && highBitDepth && b.Flag();
        bool monochrome = profile != 1 && b.Flag();
        int primaries = 2, transfer = 2, matrix = 2;
        if (b.Flag()) // color_description_present_flag
            (primaries, transfer, matrix) = (b.ReadInt(8), b.ReadInt(8), b.ReadInt(8));
        bool subX = true, subY = true;
        int chromaPosition = 0;
        if (monochrome)
        {
            b.Read(1); // color_range
        }
        else if (primaries == 1 && transfer == 13 && matrix == 0) // sRGB
        {
            subX = subY = false;
        }
        else
        {
            b.Read(1); // color_range
            if (profile == 1)
            {
                subX = subY = false;
            }
            else if (profile == 2)
            {
                if (twelveBit)
                {
                    subX = b.Flag();
                    subY = subX && b.Flag();
                }
                else
                {
                    subY = false;
                }
            }
            if (subX && subY)
                chromaPosition = b.ReadInt(2);
        }
        return b.Overrun || profile > 2 ? null
            : new Av1SequenceHeader(profile, level, tier, highBitDepth, twelveBit, monochrome, subX, subY, chromaPosition,
                                    maxWidth, maxHeight, reduced);
    }

    /// <summary>The first sequence header of a temporal unit in the low-overhead format, or null.</summary>
    public static Av1SequenceHeader? In(ReadOnlySpan<byte> temporalUnit) =>
        Find(temporalUnit, out var start, out var length) ? Parse(temporalUnit.Slice(start, length)) : null;

    /// <summary>
    /// The Matroska codec private data for AV1: the <c>av1C</c> record (version 1) followed by the
    /// temporal unit's sequence header OBU; null when the unit has none.
    /// </summary>
    public static byte[]? ConfigurationRecord(ReadOnlySpan<byte> temporalUnit)
    {
        if (!Find(temporalUnit, out int start, out int length, out int obuStart) || Parse(temporalUnit.Slice(start, length)) is not { } h)
            return null;
        var obu = temporalUnit[obuStart..(start + length)];
        var record = new byte[4 + obu.Length];
        record[0] = 0x81; // marker, version 1
        record[1] = (byte)((h.Profile << 5) | h.Level);
        record[2] = (byte)((h.Tier << 7) | (h.HighBitDepth ? 0x40 : 0) | (h.TwelveBit ? 0x20 : 0) | (h.Monochrome ? 0x10 : 0)
                           | (h.SubsamplingX ? 0x08 : 0) | (h.SubsamplingY ? 0x04 : 0) | h.ChromaSamplePosition);
        record[3] = 0; // no initial presentation delay
        obu.CopyTo(record.AsSpan(4));
        return record;
    }

    private static bool Find(ReadOnlySpan<byte> unit, out int payloadStart, out int payloadLength) =>
        Find(unit, out payloadStart, out payloadLength, out _);

    private static bool Find(ReadOnlySpan<byte> unit, out int payloadStart, out int payloadLength, out int obuStart)
    {
        for (int at = 0; at < unit.Length;)
        {
            var rest = unit[at..];
            if ((rest[0] & 0x02) == 0 || !Av1Obu.TryParse(rest, out int type, out _, out int start, out int length))
                break;
            if (type == Av1Obu.SequenceHeader)
            {
                (payloadStart, payloadLength, obuStart) = (at + start, length, at);
                return true;
            }
            at += start + length;
        }
        payloadStart = payloadLength = obuStart = 0;
        return false;
    }
}
