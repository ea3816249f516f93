namespace Tessera.Media.Codecs;

/// <summary>
/// Where a video packet sits among its source's layers, read from the payload descriptor (VP8: RFC 7741;
/// VP9: RFC 9628). Codecs without a descriptor we read (H.264, AV1 without the dependency descriptor)
/// are a single layer (0, 0) whose every packet may be a picture start.
/// </summary>
public readonly record struct PacketLayers(int Spatial, int Temporal, bool StartsPicture, bool EndsLayerFrame, bool Scalable, bool StartsKeyframe = false)
{
    public static PacketLayers Of(Codec codec, ReadOnlySpan<byte> payload)
    {
        switch (codec)
        {
            case Codec.Vp8:
                int? tid = Vp8Descriptor.TemporalLayer(payload);
                return new PacketLayers(0, tid ?? 0, Vp8Descriptor.StartsFrame(payload), false, tid is not null);
            case Codec.Vp9:
                if (!Vp9Descriptor.TryParse(payload, out var d))
                    return new PacketLayers(0, 0, false, false, false);
                return new PacketLayers(d.SpatialLayer, d.TemporalLayer, d.StartsPicture, d.EndOfFrame, d.HasLayerIndices, d.StartsKeyframe);
            default:
                return new PacketLayers(0, 0, true, false, false);
        }
    }
}
