namespace Tessera.Media.Codecs;

/// <summary>
/// H.264 NAL unit types (ITU-T H.264 table 7-1) and the RTP packet types of RFC 6184 §5.2, which
/// share the same 5-bit field of a payload's first byte.
/// </summary>
public static class H264Nal
{
    /// <summary>The type field of a NAL unit header or RTP payload header.</summary>
    public static int TypeOf(byte header) => header & 0x1F;

    /// <summary>Slices of a non-IDR picture are 1 to 4 (partitions included); 5 is a slice of an IDR picture.</summary>
    public const int FirstSlice = 1;
    public const int IdrSlice = 5;
    public const int Sei = 6;
    public const int Sps = 7;
    public const int Pps = 8;
    public const int AccessUnitDelimiter = 9;
    /// <summary>The last type a single NAL unit packet may carry.</summary>
    public const int LastSingle = 23;
    /// <summary>RFC 6184: several NAL units in one packet, each behind its 16-bit size.</summary>
    public const int StapA = 24;
    /// <summary>RFC 6184: a fragment of one NAL unit, with an FU header (S, E, R, the unit's type).</summary>
    public const int FuA = 28;
}
