using Tessera.Media.Processing;

namespace Tessera.Media.Recording;

/// <summary>
/// AV1 (the AOM "RTP Payload Format for AV1"): a temporal unit is the packets of one timestamp, the
/// last with the marker. Each packet starts with an aggregation header — Z: its first element
/// continues the previous packet's last OBU; Y: its last element continues in the next packet;
/// W: how many elements it holds, every one but the last prefixed with its LEB128 length (W=0:
/// every one prefixed). The unit is rebuilt in the low-overhead format Matroska stores (every OBU
/// with its size field), without temporal delimiters or tile lists. A keyframe is a unit holding a
/// sequence header and a key frame, where a decoder can start.
/// </summary>
public sealed class Av1FrameAssembler : FrameAssembler
{
    private byte[] _fragment = new byte[4 * 1024];
    private int _fragmentLength;
    private bool _fragmentOpen;
    private bool _sawSequenceHeader;
    private bool _sawFrameHeader;
    private bool _keyFrame;
    /// <summary>From the latest sequence header: frame headers are reduced (every frame a key frame).</summary>
    private bool _reducedStillPicture;

    protected override bool StartsFrame(in ReceivedPacket packet) =>
        packet.Payload.Length > 0 && (packet.Payload[0] & 0x80) == 0 // Z=0: begins with a whole OBU
        && (!InFrame || packet.Header.Timestamp != FrameTimestamp);

    protected override bool StartsFrame(ReadOnlySpan<byte> payload) => false; // needs the timestamp: see above

    protected override bool IsKeyframe(ReadOnlySpan<byte> payload) => false; // known once the unit is whole

    protected override void BeginFrame()
    {
        _fragmentLength = 0;
        _fragmentOpen = false;
        _sawSequenceHeader = _sawFrameHeader = _keyFrame = false;
    }

    protected override bool AppendPayload(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 1)
            return false;
        bool continues = (payload[0] & 0x80) != 0; // Z
        bool continuesNext = (payload[0] & 0x40) != 0; // Y
        int count = (payload[0] >> 4) & 0x03; // W
        if (continues != _fragmentOpen)
            return false; // a fragment's other part is missing
        int element = 0;
        for (int at = 1; at < payload.Length;)
        {
            element++;
            int length;
            if (count == 0 || element < count)
            {
                if (!Av1Obu.TryReadLeb128(payload[at..], out length, out int prefix))
                    return false;
                at += prefix;
            }
            else
            {
                length = payload.Length - at;
            }
            if (length > payload.Length - at || (count != 0 && element > count))
                return false;
            var data = payload.Slice(at, length);
            at += length;
            bool first = element == 1, last = at == payload.Length;
            if (first && continues)
            {
                if (!AddToFragment(data))
                    return false;
                if (last && continuesNext)
                    continue;
                _fragmentOpen = false;
                if (!AddObu(_fragment.AsSpan(0, _fragmentLength)))
                    return false;
            }
            else if (last && continuesNext)
            {
                _fragmentLength = 0;
                _fragmentOpen = true;
                if (!AddToFragment(data))
                    return false;
            }
            else if (!AddObu(data))
            {
                return false;
            }
        }
        return count == 0 || element == count;
    }

    protected override bool FinishFrame()
    {
        FrameIsKeyframe = _sawSequenceHeader && _keyFrame;
        return FrameLength > 0 && !_fragmentOpen;
    }

    private bool AddToFragment(ReadOnlySpan<byte> data)
    {
        if (_fragmentLength + data.Length > MaxFrameBytes)
            return false;
        if (_fragmentLength + data.Length > _fragment.Length)
            Array.Resize(ref _fragment, Math.Max(_fragment.Length * 2, _fragmentLength + data.Length));
        data.CopyTo(_fragment.AsSpan(_fragmentLength));
        _fragmentLength += data.Length;
        return true;
    }

    /// <summary>Appends one whole OBU with its size field; false when malformed.</summary>
    private bool AddObu(ReadOnlySpan<byte> obu)
    {
        if (!Av1Obu.TryParse(obu, out int type, out int headerLength, out int start, out int length))
            return false;
        if (type is Av1Obu.TemporalDelimiter or Av1Obu.TileList or Av1Obu.Padding)
            return true; // not stored in a file (the block is the temporal unit)
        var payload = obu.Slice(start, length);
        if (type == Av1Obu.SequenceHeader)
        {
            if (Av1SequenceHeader.Parse(payload) is not { } header)
                return false;
            _sawSequenceHeader = true;
            _reducedStillPicture = header.ReducedStillPictureHeader;
        }
        else if (type is Av1Obu.FrameHeader or Av1Obu.Frame && !_sawFrameHeader)
        {
            _sawFrameHeader = true;
            // uncompressed_header(): show_existing_frame, then frame_type (0 is KEY_FRAME).
            _keyFrame = _reducedStillPicture || (payload.Length > 0 && (payload[0] & 0xE0) == 0);
        }
        Span<byte> head = stackalloc byte[2 + 8];
        head[0] = (byte)(obu[0] | 0x02); // obu_has_size_field
        if (headerLength == 2)
            head[1] = obu[1];
        int headLength = headerLength + Av1Obu.WriteLeb128(head[headerLength..], length);
        if (!Fits(headLength + length))
            return false;
        Append(head[..headLength]);
        Append(payload);
        return true;
    }
}
