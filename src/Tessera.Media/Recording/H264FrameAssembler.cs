using System.Buffers.Binary;
using Tessera.Media.Codecs;
using Tessera.Media.Processing;

namespace Tessera.Media.Recording;

/// <summary>
/// H.264 (RFC 6184, non-interleaved mode): an access unit is the packets of one timestamp, the last
/// with the marker. Packets hold one NAL unit, several (STAP-A) or a fragment of one (FU-A); the
/// unit is rebuilt in the form Matroska stores, every NAL unit prefixed with its 4-byte length
/// (AVCC). A keyframe is a unit holding an IDR slice with its SPS and PPS: when the publisher sent
/// them earlier and not with this IDR, the latest ones are put in front, so every keyframe the file
/// holds can start decoding (and gives the file its <c>avcC</c> record).
/// </summary>
public sealed class H264FrameAssembler : FrameAssembler
{
    private const int LengthPrefix = 4;

    private readonly ParameterSet _sps = new();
    private readonly ParameterSet _pps = new();
    private int _fragmentStart = -1; // where the open FU-A's length prefix is, -1 when none is open
    private bool _sawIdr;
    private bool _sawSps;
    private bool _sawPps;

    protected override bool StartsFrame(in ReceivedPacket packet) =>
        (!InFrame || packet.Header.Timestamp != FrameTimestamp) && StartsAccessUnit(packet.Payload);

    protected override bool StartsFrame(ReadOnlySpan<byte> payload) => false; // needs the timestamp: see above

    protected override bool IsKeyframe(ReadOnlySpan<byte> payload) => false; // known once the unit is whole

    protected override void BeginFrame()
    {
        _fragmentStart = -1;
        _sawIdr = _sawSps = _sawPps = false;
    }

    protected override bool AppendPayload(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 1)
            return false;
        int type = H264Nal.TypeOf(payload[0]);
        if (type == H264Nal.FuA)
            return AppendFragment(payload);
        if (_fragmentStart >= 0)
            return false; // the open fragment's end is missing
        if (type is >= H264Nal.FirstSlice and <= H264Nal.LastSingle)
            return AppendNal(payload);
        if (type != H264Nal.StapA)
            return false; // STAP-B, MTAP and FU-B belong to the interleaved mode, which WebRTC does not use
        for (int at = 1; at < payload.Length;)
        {
            if (at + 2 > payload.Length)
                return false;
            int size = BinaryPrimitives.ReadUInt16BigEndian(payload[at..]);
            at += 2;
            if (size == 0 || at + size > payload.Length || !AppendNal(payload.Slice(at, size)))
                return false;
            at += size;
        }
        return true;
    }

    protected override bool FinishFrame()
    {
        if (_fragmentStart >= 0 || FrameLength == 0)
            return false;
        if (_sawIdr && !(_sawSps && _sawPps))
        {
            if (!_sps.Known || !_pps.Known)
                return true; // decodable only by a decoder that already has them: not a keyframe
            PutInFront(_sawSps ? [] : _sps.Bytes, _sawPps ? [] : _pps.Bytes);
        }
        FrameIsKeyframe = _sawIdr;
        return true;
    }

    private bool AppendNal(ReadOnlySpan<byte> nal)
    {
        if (nal.Length < 1 || (nal[0] & 0x80) != 0 || !Fits(LengthPrefix + nal.Length))
            return false; // forbidden_zero_bit set: the sender marked it corrupt
        Span<byte> prefix = stackalloc byte[LengthPrefix];
        BinaryPrimitives.WriteInt32BigEndian(prefix, nal.Length);
        Append(prefix);
        Append(nal);
        Saw(nal);
        return true;
    }

    /// <summary>FU-A: an indicator byte (F, NRI, type 28), a header (S, E, R, the unit's type), then the fragment.</summary>
    private bool AppendFragment(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 3)
            return false;
        bool start = (payload[1] & 0x80) != 0;
        bool end = (payload[1] & 0x40) != 0;
        var data = payload[2..];
        if (start)
        {
            if (_fragmentStart >= 0 || !Fits(LengthPrefix + 1 + data.Length))
                return false;
            _fragmentStart = FrameLength;
            Span<byte> head = stackalloc byte[LengthPrefix + 1];
            head[LengthPrefix] = (byte)((payload[0] & 0xE0) | (payload[1] & 0x1F));
            Append(head);
        }
        else if (_fragmentStart < 0 || !Fits(data.Length))
        {
            return false;
        }
        Append(data);
        if (!end)
            return true;
        int length = FrameLength - _fragmentStart - LengthPrefix;
        BinaryPrimitives.WriteInt32BigEndian(Building[_fragmentStart..], length);
        Saw(Building.Slice(_fragmentStart + LengthPrefix, length));
        _fragmentStart = -1;
        return true;
    }

    private void Saw(ReadOnlySpan<byte> nal)
    {
        switch (H264Nal.TypeOf(nal[0]))
        {
            case H264Nal.IdrSlice:
                _sawIdr = true;
                break;
            case H264Nal.Sps:
                _sawSps = true;
                _sps.Keep(nal);
                break;
            case H264Nal.Pps:
                _sawPps = true;
                _pps.Keep(nal);
                break;
        }
    }

    /// <summary>Moves the unit along and writes the parameter sets, length-prefixed, before it.</summary>
    private void PutInFront(ReadOnlySpan<byte> sps, ReadOnlySpan<byte> pps)
    {
        int added = (sps.IsEmpty ? 0 : LengthPrefix + sps.Length) + (pps.IsEmpty ? 0 : LengthPrefix + pps.Length);
        int length = FrameLength;
        Append(new byte[added]); // makes room (rare: a keyframe whose parameter sets came earlier)
        var unit = Building;
        unit[..length].CopyTo(unit[added..]);
        int at = 0;
        foreach (var set in new[] { sps.ToArray(), pps.ToArray() })
        {
            if (set.Length == 0)
                continue;
            BinaryPrimitives.WriteInt32BigEndian(unit[at..], set.Length);
            set.CopyTo(unit[(at + LengthPrefix)..]);
            at += LengthPrefix + set.Length;
        }
    }

    /// <summary>
    /// Whether a packet can be an access unit's first: a parameter set, SEI or delimiter, or the
    /// first slice of a picture (first_mb_in_slice, the slice header's first field, is 0: a leading
    /// 1 bit in Exp-Golomb). A packet holding a later slice or a fragment's continuation cannot.
    /// </summary>
    private static bool StartsAccessUnit(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 2)
            return false;
        int type = H264Nal.TypeOf(payload[0]);
        if (type == H264Nal.StapA)
            return payload.Length >= 4 && StartsWith(H264Nal.TypeOf(payload[3]), payload[4..]);
        if (type == H264Nal.FuA)
            return payload.Length >= 3 && (payload[1] & 0x80) != 0 && StartsWith(H264Nal.TypeOf(payload[1]), payload[2..]);
        return StartsWith(type, payload[1..]);
    }

    private static bool StartsWith(int type, ReadOnlySpan<byte> afterHeader) => type switch
    {
        >= H264Nal.FirstSlice and <= H264Nal.IdrSlice => afterHeader.Length > 0 && (afterHeader[0] & 0x80) != 0,
        H264Nal.Sei or H264Nal.Sps or H264Nal.Pps or H264Nal.AccessUnitDelimiter => true,
        _ => false,
    };

    /// <summary>The latest SPS or PPS, copied only when it changes (publishers repeat the same one).</summary>
    private sealed class ParameterSet
    {
        public byte[] Bytes { get; private set; } = [];
        public bool Known => Bytes.Length > 0;

        public void Keep(ReadOnlySpan<byte> nal)
        {
            if (!nal.SequenceEqual(Bytes))
                Bytes = nal.ToArray();
        }
    }
}
