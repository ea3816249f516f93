using Tessera.Media.Codecs;
using Tessera.Media.Processing;

namespace Tessera.Media.Recording;

/// <summary>
/// VP9 (RFC 9628): a picture runs from the first packet of its lowest spatial layer to the marker
/// bit. A picture of several spatial layers becomes a superframe (the layer frames followed by an
/// index of their sizes), which is how VP9 stores them in a file.
/// </summary>
public sealed class Vp9FrameAssembler : FrameAssembler
{
    private const int MaxLayerFrames = 8; // what a superframe index can count
    private readonly List<int> _layerStarts = [];

    protected override bool StartsFrame(ReadOnlySpan<byte> payload) =>
        Vp9Descriptor.TryParse(payload, out var d) && d.StartsPicture;

    protected override bool IsKeyframe(ReadOnlySpan<byte> payload) =>
        Vp9Descriptor.TryParse(payload, out var d) && d.StartsKeyframe;

    protected override void BeginFrame() => _layerStarts.Clear();

    protected override bool AppendPayload(ReadOnlySpan<byte> payload)
    {
        if (!Vp9Descriptor.TryParse(payload, out var d) || d.Length > payload.Length || !Fits(payload.Length - d.Length))
            return false;
        if (d.StartOfFrame)
        {
            if (_layerStarts.Count == MaxLayerFrames)
                return false;
            _layerStarts.Add(FrameLength);
        }
        else if (_layerStarts.Count == 0)
        {
            return false;
        }
        Append(payload[d.Length..]);
        return true;
    }

    protected override bool FinishFrame()
    {
        if (FrameLength == 0)
            return false;
        int count = _layerStarts.Count;
        if (count <= 1)
            return true;
        // Superframe index: a marker byte (0b110, size bytes - 1, frames - 1), each size in 4 little-endian bytes, the marker again.
        byte marker = (byte)(0xC0 | (3 << 3) | (count - 1));
        Span<byte> index = stackalloc byte[2 + 4 * count];
        index[0] = marker;
        for (int i = 0; i < count; i++)
        {
            int end = i + 1 < count ? _layerStarts[i + 1] : FrameLength;
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(index.Slice(1 + 4 * i), end - _layerStarts[i]);
        }
        index[^1] = marker;
        Append(index);
        return true;
    }
}
