using Tessera.Media.Codecs;
using Tessera.Media.Processing;

namespace Tessera.Media.Recording;

/// <summary>
/// Rebuilds whole frames from a track's RTP packets: a frame's packets share a timestamp, run in
/// sequence, and the codec says where one starts and ends. A frame with a packet missing is
/// dropped, and so is everything after it until a keyframe, so no frame that cannot be decoded
/// reaches the file. Runs on the media receive thread; one per track.
/// </summary>
public abstract class FrameAssembler
{
    private byte[] _frame = new byte[16 * 1024];
    private bool _inFrame;
    private ushort _lastSequence;
    private bool _haveSequence;
    private uint _timestamp;

    /// <summary>Nothing decodable can follow until a keyframe (start, or after a loss).</summary>
    public bool AwaitingKeyframe { get; private set; } = true;

    /// <summary>The frame completed by the last <see cref="Add"/> that returned true.</summary>
    public ReadOnlySpan<byte> Frame => _frame.AsSpan(0, FrameLength);
    protected int FrameLength { get; private set; }
    public uint FrameTimestamp => _timestamp;
    public bool FrameIsKeyframe { get; protected set; }

    /// <summary>Frames dropped because a packet was missing or a keyframe was awaited.</summary>
    public long FramesDiscarded { get; private set; }

    public static FrameAssembler For(Codec codec) => codec switch
    {
        Codec.Vp8 => new Vp8FrameAssembler(),
        Codec.Vp9 => new Vp9FrameAssembler(),
        Codec.Av1 => new Av1FrameAssembler(),
        Codec.H264 => new H264FrameAssembler(),
        Codec.Opus => new OpusFrameAssembler(),
        _ => throw new NotSupportedException($"{codec} cannot be recorded"),
    };

    /// <summary>Adds one packet; true when it completes a decodable frame, then in <see cref="Frame"/>.</summary>
    public bool Add(in ReceivedPacket packet)
    {
        var header = packet.Header;
        var payload = packet.Payload;
        bool gap = false;
        if (_haveSequence)
        {
            short step = (short)(header.SequenceNumber - _lastSequence);
            if (step <= 0)
                return false; // late or repeated: what it belonged to was already given up on
            gap = step > 1;
        }
        _lastSequence = header.SequenceNumber;
        _haveSequence = true;
        if (gap)
            Lose(); // part of this frame, or a whole frame, is missing

        if (StartsFrame(packet))
        {
            if (_inFrame)
                Lose(); // the previous frame never ended
            _inFrame = true;
            _timestamp = header.Timestamp;
            FrameLength = 0;
            FrameIsKeyframe = IsKeyframe(payload);
            BeginFrame();
        }
        else if (!_inFrame || header.Timestamp != _timestamp)
        {
            if (_inFrame)
                Lose();
            return false;
        }
        if (!AppendPayload(payload))
        {
            Lose();
            return false;
        }
        if (!EndsFrame(packet))
            return false;
        _inFrame = false;
        if (!FinishFrame())
        {
            Lose();
            return false;
        }
        if (AwaitingKeyframe && !FrameIsKeyframe)
        {
            FramesDiscarded++;
            return false;
        }
        AwaitingKeyframe = false;
        return true;
    }

    /// <summary>A frame was lost: the decoder's state is broken until the next keyframe.</summary>
    private void Lose()
    {
        _inFrame = false;
        FramesDiscarded++;
        if (LossBreaksDecoding)
            AwaitingKeyframe = true;
    }

    /// <summary>Forces a wait for the next keyframe (frames after this one were dropped elsewhere).</summary>
    public void RequireKeyframe()
    {
        if (LossBreaksDecoding)
            AwaitingKeyframe = true;
    }

    /// <summary>Video frames depend on earlier ones; audio frames do not.</summary>
    protected virtual bool LossBreaksDecoding => true;

    /// <summary>Whether this packet starts a frame; most codecs tell from the payload alone.</summary>
    protected virtual bool StartsFrame(in ReceivedPacket packet) => StartsFrame(packet.Payload);
    protected abstract bool StartsFrame(ReadOnlySpan<byte> payload);
    /// <summary>A frame is being built (its first packet came, its last not yet).</summary>
    protected bool InFrame => _inFrame;
    protected abstract bool IsKeyframe(ReadOnlySpan<byte> payload);
    /// <summary>Appends the codec data of one packet (without its payload descriptor); false when malformed.</summary>
    protected abstract bool AppendPayload(ReadOnlySpan<byte> payload);
    protected virtual bool EndsFrame(in ReceivedPacket packet) => packet.Header.Marker;
    protected virtual void BeginFrame() { }
    /// <summary>Completes the frame in place (a VP9 superframe index, AV1 sizes); false when malformed.</summary>
    protected virtual bool FinishFrame() => FrameLength > 0;

    protected void Append(ReadOnlySpan<byte> bytes)
    {
        if (FrameLength + bytes.Length > _frame.Length)
            Array.Resize(ref _frame, Math.Max(_frame.Length * 2, FrameLength + bytes.Length));
        bytes.CopyTo(_frame.AsSpan(FrameLength));
        FrameLength += bytes.Length;
    }

    /// <summary>The frame built so far, for codecs that rewrite it when it ends.</summary>
    protected Span<byte> Building => _frame.AsSpan(0, FrameLength);

    protected void Truncate(int length) => FrameLength = length;

    /// <summary>Largest frame accepted (a 4K keyframe is well under this); past it the frame is dropped.</summary>
    public const int MaxFrameBytes = 8 << 20;

    protected bool Fits(int more) => FrameLength + more <= MaxFrameBytes;
}

/// <summary>RFC 7741: the frame starts at S=1, PID=0; the descriptor is stripped from every packet.</summary>
public sealed class Vp8FrameAssembler : FrameAssembler
{
    protected override bool StartsFrame(ReadOnlySpan<byte> payload) => Vp8Descriptor.StartsFrame(payload);

    protected override bool IsKeyframe(ReadOnlySpan<byte> payload) => KeyframeDetector.IsKeyframe(Codec.Vp8, payload);

    protected override bool AppendPayload(ReadOnlySpan<byte> payload)
    {
        if (Vp8Descriptor.Length(payload) is not { } at || at > payload.Length || !Fits(payload.Length - at))
            return false;
        Append(payload[at..]);
        return true;
    }
}

/// <summary>Opus (RFC 7587): one packet, one frame; every frame decodes on its own.</summary>
public sealed class OpusFrameAssembler : FrameAssembler
{
    protected override bool LossBreaksDecoding => false;
    protected override bool StartsFrame(ReadOnlySpan<byte> payload) => true;
    protected override bool IsKeyframe(ReadOnlySpan<byte> payload) => true;
    protected override bool EndsFrame(in ReceivedPacket packet) => true;

    protected override bool AppendPayload(ReadOnlySpan<byte> payload)
    {
        Append(payload);
        return true;
    }
}
