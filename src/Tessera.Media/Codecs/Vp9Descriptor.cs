namespace Tessera.Media.Codecs;

/// <summary>
/// The VP9 RTP payload descriptor (RFC 9628 §4.2), in both flexible (F=1: reference indices in the
/// packet) and non-flexible mode (F=0: TL0PICIDX, references from the scalability structure).
/// Only what forwarding needs is kept; the scalability structure (V=1) is walked to check its length.
/// </summary>
public readonly record struct Vp9Descriptor
{
    /// <summary>I: a picture id is present.</summary>
    public bool HasPictureId { get; init; }
    /// <summary>P: inter-picture predicted; a layer frame with P=0 can be decoded without earlier pictures.</summary>
    public bool InterPicturePredicted { get; init; }
    /// <summary>L: the TID/U/SID/D byte is present.</summary>
    public bool HasLayerIndices { get; init; }
    /// <summary>F: flexible mode.</summary>
    public bool FlexibleMode { get; init; }
    /// <summary>B: first packet of a layer frame.</summary>
    public bool StartOfFrame { get; init; }
    /// <summary>E: last packet of a layer frame.</summary>
    public bool EndOfFrame { get; init; }
    /// <summary>V: a scalability structure follows.</summary>
    public bool HasScalabilityStructure { get; init; }
    /// <summary>Z: not used as a reference by upper spatial layers of this picture.</summary>
    public bool NotReferencedByUpperLayers { get; init; }
    /// <summary>7- or 15-bit picture id, or -1.</summary>
    public int PictureId { get; init; }
    /// <summary>Temporal layer index (0 without layer indices).</summary>
    public int TemporalLayer { get; init; }
    /// <summary>U: switching-up point to a higher temporal layer.</summary>
    public bool SwitchingUpPoint { get; init; }
    /// <summary>Spatial layer index (0 without layer indices).</summary>
    public int SpatialLayer { get; init; }
    /// <summary>D: inter-layer dependency on the spatial layer below.</summary>
    public bool InterLayerDependency { get; init; }
    /// <summary>Non-flexible mode: the TL0PICIDX, or -1.</summary>
    public int Tl0PictureIndex { get; init; }
    /// <summary>Flexible mode: number of reference indices (P_DIFF) carried, 0–3.</summary>
    public int ReferenceCount { get; init; }
    /// <summary>Bytes taken by the descriptor; the VP9 frame data follows.</summary>
    public int Length { get; init; }

    /// <summary>The start of a picture: first packet of its lowest spatial layer frame.</summary>
    public bool StartsPicture => StartOfFrame && SpatialLayer == 0;

    /// <summary>The start of a keyframe picture (intra-only base layer).</summary>
    public bool StartsKeyframe => StartsPicture && !InterPicturePredicted;

    /// <summary>Parses the descriptor at the start of <paramref name="payload"/>; false when it is truncated or inconsistent.</summary>
    public static bool TryParse(ReadOnlySpan<byte> payload, out Vp9Descriptor descriptor)
    {
        descriptor = default;
        if (payload.Length < 1)
            return false;
        byte b = payload[0];
        bool i = (b & 0x80) != 0, p = (b & 0x40) != 0, l = (b & 0x20) != 0, f = (b & 0x10) != 0;
        bool v = (b & 0x02) != 0;
        int at = 1;
        int pictureId = -1;
        if (i)
        {
            if (at >= payload.Length)
                return false;
            if ((payload[at] & 0x80) != 0)
            {
                if (at + 1 >= payload.Length)
                    return false;
                pictureId = ((payload[at] & 0x7F) << 8) | payload[at + 1];
                at += 2;
            }
            else
            {
                pictureId = payload[at++];
            }
        }
        int tid = 0, sid = 0, tl0 = -1;
        bool u = false, d = false;
        if (l)
        {
            if (at >= payload.Length)
                return false;
            byte layers = payload[at++];
            tid = layers >> 5;
            u = (layers & 0x10) != 0;
            sid = (layers >> 1) & 0x07;
            d = (layers & 0x01) != 0;
            if (!f)
            {
                if (at >= payload.Length)
                    return false;
                tl0 = payload[at++];
            }
        }
        if (d && sid == 0)
            return false; // the base spatial layer cannot depend on a layer below it
        int references = 0;
        if (f && p)
        {
            // Up to three P_DIFF bytes; N=1 announces another.
            while (true)
            {
                if (at >= payload.Length || references == 3)
                    return false;
                byte diff = payload[at++];
                references++;
                if ((diff & 0x01) == 0)
                    break;
            }
        }
        if (v && !SkipScalabilityStructure(payload, ref at))
            return false;
        descriptor = new Vp9Descriptor
        {
            HasPictureId = i, InterPicturePredicted = p, HasLayerIndices = l, FlexibleMode = f,
            StartOfFrame = (b & 0x08) != 0, EndOfFrame = (b & 0x04) != 0, HasScalabilityStructure = v,
            NotReferencedByUpperLayers = (b & 0x01) != 0, PictureId = pictureId, TemporalLayer = tid,
            SwitchingUpPoint = u, SpatialLayer = sid, InterLayerDependency = d, Tl0PictureIndex = tl0,
            ReferenceCount = references, Length = at,
        };
        return true;
    }

    /// <summary>SS (RFC 9628 §4.2.1): N_S|Y|G, optional resolutions, optional picture group description.</summary>
    private static bool SkipScalabilityStructure(ReadOnlySpan<byte> payload, ref int at)
    {
        if (at >= payload.Length)
            return false;
        byte header = payload[at++];
        int spatialLayers = (header >> 5) + 1;
        bool resolutions = (header & 0x10) != 0, groups = (header & 0x08) != 0;
        if (resolutions)
            at += 4 * spatialLayers;
        if (groups)
        {
            if (at >= payload.Length)
                return false;
            int pictures = payload[at++];
            for (int n = 0; n < pictures; n++)
            {
                if (at >= payload.Length)
                    return false;
                int referenceCount = (payload[at++] >> 2) & 0x03;
                at += referenceCount;
            }
        }
        return at <= payload.Length;
    }
}
