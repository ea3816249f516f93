using System.Buffers.Binary;
using Tessera.Media.Rtp;

namespace Tessera.Media.Srtp;

/// <summary>
/// One direction of SRTP/SRTCP (RFC 3711, RFC 7714) for any number of SSRCs: use one context to
/// protect what we send and another, keyed with the peer's master key, to unprotect what we receive.
/// Packets are transformed in place on the caller's buffer; protect needs room for the overhead
/// (<see cref="SrtpProfileExtensions.RtpOverhead"/>/<see cref="SrtpProfileExtensions.RtcpOverhead"/>).
/// Per-SSRC state (ROC, replay window) changes only after a packet authenticates.
/// Not thread-safe: serialise calls per context.
/// </summary>
public sealed class SrtpContext : IDisposable
{
    private readonly SrtpTransform _transform;
    private readonly Dictionary<uint, RtpStreamState> _rtp = new();
    private readonly Dictionary<uint, RtcpStreamState> _rtcp = new();

    public SrtpContext(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
        : this(profile, SrtpSessionKeys.Derive(profile, masterKey, masterSalt))
    {
    }

    public SrtpContext(SrtpProfile profile, SrtpSessionKeys keys)
    {
        Profile = profile;
        _transform = profile switch
        {
            SrtpProfile.AesCm128HmacSha1_80 => new AesCmHmacSha1Transform(keys),
            SrtpProfile.AeadAes128Gcm => new AesGcmTransform(keys),
            _ => throw new ArgumentOutOfRangeException(nameof(profile)),
        };
    }

    public SrtpProfile Profile { get; }

    /// <summary>Protects an RTP packet of <paramref name="length"/> bytes in place; returns the protected length.</summary>
    public int ProtectRtp(Span<byte> buffer, int length)
    {
        if (buffer.Length < length + _transform.RtpTagLength)
            throw new ArgumentException("No room for the authentication tag.", nameof(buffer));
        var (headerLength, ssrc, index) = NextSendIndex(buffer[..length]);
        return _transform.ProtectRtp(buffer, headerLength, length, ssrc, index);
    }

    /// <summary>
    /// Protects <paramref name="packet"/> into <paramref name="destination"/> (memory that does not
    /// overlap it, with room for the overhead); returns the protected length. The send path writes
    /// this way straight into the datagram it sends.
    /// </summary>
    public int ProtectRtp(ReadOnlySpan<byte> packet, Span<byte> destination)
    {
        if (destination.Length < packet.Length + _transform.RtpTagLength)
            throw new ArgumentException("No room for the authentication tag.", nameof(destination));
        if (packet.Overlaps(destination))
            throw new ArgumentException("The destination overlaps the packet.", nameof(destination));
        var (headerLength, ssrc, index) = NextSendIndex(packet);
        return _transform.ProtectRtp(packet, destination, headerLength, ssrc, index);
    }

    // The packet's header length, SSRC and SRTP index (ROC || SEQ), counting it as sent.
    private (int HeaderLength, uint Ssrc, ulong Index) NextSendIndex(ReadOnlySpan<byte> packet)
    {
        if (!RtpHeaderLength.TryGet(packet, out int headerLength))
            throw new ArgumentException("Not a well-formed RTP packet.", nameof(packet));
        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        ushort sequence = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if (!_rtp.TryGetValue(ssrc, out var state))
            _rtp[ssrc] = state = new RtpStreamState();
        ulong index = state.Sender.Estimate(sequence);
        state.Sender.Update(index);
        return (headerLength, ssrc, index);
    }

    public SrtpStatus UnprotectRtp(Span<byte> buffer, int length, out int plainLength)
    {
        plainLength = 0;
        if (length < RtpHeaderLength.Fixed + _transform.RtpTagLength
            || !RtpHeaderLength.TryGet(buffer[..(length - _transform.RtpTagLength)], out int headerLength))
            return SrtpStatus.Malformed;
        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[8..]);
        ushort sequence = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
        _rtp.TryGetValue(ssrc, out var state);
        ulong index = state?.Receiver.Estimate(sequence) ?? sequence;
        if (state is not null)
        {
            var replay = state.Replay.Check(index);
            if (replay != SrtpStatus.Ok)
                return replay;
        }
        if (!_transform.UnprotectRtp(buffer, headerLength, length, ssrc, index, out plainLength))
        {
            plainLength = 0;
            return SrtpStatus.AuthenticationFailed;
        }
        if (state is null)
            _rtp[ssrc] = state = new RtpStreamState();
        state.Receiver.Update(index);
        state.Replay.Accept(index);
        return SrtpStatus.Ok;
    }

    /// <summary>Protects a (compound) RTCP packet in place, encrypting it and appending E flag, SRTCP index and tag.</summary>
    public int ProtectRtcp(Span<byte> buffer, int length)
    {
        if (length < 8)
            throw new ArgumentException("RTCP packet shorter than its header.", nameof(buffer));
        if (buffer.Length < length + _transform.RtcpTrailerLength)
            throw new ArgumentException("No room for the SRTCP trailer.", nameof(buffer));
        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        if (!_rtcp.TryGetValue(ssrc, out var state))
            _rtcp[ssrc] = state = new RtcpStreamState();
        uint index = state.NextSendIndex;
        state.NextSendIndex = (index + 1) & 0x7FFFFFFFu;
        return _transform.ProtectRtcp(buffer, length, ssrc, index);
    }

    public SrtpStatus UnprotectRtcp(Span<byte> buffer, int length, out int plainLength)
    {
        plainLength = 0;
        if (length < 8 + _transform.RtcpTrailerLength)
            return SrtpStatus.Malformed;
        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        uint word = _transform.ReadRtcpIndexWord(buffer, length);
        uint index = word & 0x7FFFFFFFu;
        _rtcp.TryGetValue(ssrc, out var state);
        if (state is not null)
        {
            var replay = state.Replay.Check(index);
            if (replay != SrtpStatus.Ok)
                return replay;
        }
        if (!_transform.UnprotectRtcp(buffer, length, ssrc, word, out plainLength))
        {
            plainLength = 0;
            return SrtpStatus.AuthenticationFailed;
        }
        if (state is null)
            _rtcp[ssrc] = state = new RtcpStreamState();
        state.Replay.Accept(index);
        return SrtpStatus.Ok;
    }

    /// <summary>The rollover counter currently used for an SSRC we receive (0 if unknown).</summary>
    public uint ReceiveRolloverCounter(uint ssrc) => _rtp.TryGetValue(ssrc, out var s) ? s.Receiver.Roc : 0;

    public void Dispose() => _transform.Dispose();

    private sealed class RtpStreamState
    {
        public readonly RolloverCounter Sender = new();
        public readonly RolloverCounter Receiver = new();
        public ReplayWindow Replay;
    }

    private sealed class RtcpStreamState
    {
        public uint NextSendIndex;
        public ReplayWindow Replay;
    }
}
