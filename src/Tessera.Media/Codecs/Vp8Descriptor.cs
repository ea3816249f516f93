namespace Tessera.Media.Codecs;

/// <summary>Reads the VP8 RTP payload descriptor (RFC 7741 §4.2).</summary>
public static class Vp8Descriptor
{
    /// <summary>The temporal layer index (TID), or null when the descriptor carries none.</summary>
    public static int? TemporalLayer(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 2 || (payload[0] & 0x80) == 0 || (payload[1] & 0x20) == 0)
            return null; // no extension, or no T bit: no TID
        return AfterPictureFields(payload) is { } at && payload.Length > at ? payload[at] >> 6 : null;
    }

    /// <summary>The descriptor's length, where the VP8 payload header starts; null when truncated.</summary>
    public static int? Length(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 1)
            return null;
        if ((payload[0] & 0x80) == 0)
            return 1;
        if (AfterPictureFields(payload) is not { } at)
            return null;
        return (payload[1] & 0x30) != 0 ? at + 1 : at; // TID/Y/KEYIDX byte
    }

    /// <summary>First packet of a frame: S bit set on partition 0.</summary>
    public static bool StartsFrame(ReadOnlySpan<byte> payload) =>
        payload.Length >= 1 && (payload[0] & 0x10) != 0 && (payload[0] & 0x07) == 0;

    // With the X bit set: the offset past the extension byte, PictureID and TL0PICIDX.
    private static int? AfterPictureFields(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 2)
            return null;
        byte x = payload[1];
        int at = 2;
        if ((x & 0x80) != 0)
        {
            if (payload.Length <= at)
                return null;
            at += (payload[at] & 0x80) != 0 ? 2 : 1; // PictureID
        }
        if ((x & 0x40) != 0)
            at++; // TL0PICIDX
        return at;
    }
}
