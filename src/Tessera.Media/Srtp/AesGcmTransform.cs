using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Tessera.Media.Srtp;

/// <summary>
/// AEAD_AES_128_GCM (RFC 7714): the RTP header (SRTCP: first 8 bytes plus E+index) is associated data,
/// the rest is encrypted in place, and a 16-byte tag follows. The IV is the salt XORed with
/// 0x0000 || SSRC || ROC || SEQ (SRTCP: 0x0000 || SSRC || 0x0000 || index).
/// </summary>
internal sealed class AesGcmTransform : SrtpTransform
{
    private const int TagLength = 16;
    private readonly AesGcm _rtp;
    private readonly AesGcmEncryptor? _rtpEncryptor; // the send path's cheaper cipher, where the processor allows
    private readonly AesGcm _rtcp;
    private readonly byte[] _rtpSalt;
    private readonly byte[] _rtcpSalt;

    public AesGcmTransform(SrtpSessionKeys keys)
    {
        _rtp = new AesGcm(keys.RtpKey, TagLength);
        if (AesGcmEncryptor.IsSupported)
            _rtpEncryptor = new AesGcmEncryptor(keys.RtpKey);
        _rtcp = new AesGcm(keys.RtcpKey, TagLength);
        _rtpSalt = keys.RtpSalt;
        _rtcpSalt = keys.RtcpSalt;
    }

    public override int RtpTagLength => TagLength;
    public override int RtcpTrailerLength => TagLength + 4;

    private static void BuildIv(Span<byte> iv, byte[] salt, uint ssrc, uint high, uint low, bool rtcp)
    {
        iv.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(iv[2..], ssrc);
        if (rtcp)
        {
            BinaryPrimitives.WriteUInt32BigEndian(iv[8..], low);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(iv[6..], high);
            BinaryPrimitives.WriteUInt16BigEndian(iv[10..], (ushort)low);
        }
        for (int i = 0; i < 12; i++)
            iv[i] ^= salt[i];
    }

    public override int ProtectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, ulong index)
    {
        Span<byte> iv = stackalloc byte[12];
        BuildIv(iv, _rtpSalt, ssrc, (uint)(index >> 16), (uint)(index & 0xFFFF), rtcp: false);
        Span<byte> payload = packet[headerLength..length];
        if (_rtpEncryptor is { } encryptor)
            encryptor.Encrypt(iv, payload, packet.Slice(length, TagLength), packet[..headerLength]);
        else
            _rtp.Encrypt(iv, payload, payload, packet.Slice(length, TagLength), packet[..headerLength]);
        return length + TagLength;
    }

    public override int ProtectRtp(ReadOnlySpan<byte> source, Span<byte> destination, int headerLength, uint ssrc, ulong index)
    {
        if (_rtpEncryptor is not { } encryptor)
            return base.ProtectRtp(source, destination, headerLength, ssrc, index);
        Span<byte> iv = stackalloc byte[12];
        BuildIv(iv, _rtpSalt, ssrc, (uint)(index >> 16), (uint)(index & 0xFFFF), rtcp: false);
        int length = source.Length;
        source[..headerLength].CopyTo(destination);
        encryptor.Encrypt(iv, source[headerLength..], destination[headerLength..length], destination.Slice(length, TagLength), source[..headerLength]);
        return length + TagLength;
    }

    public override bool UnprotectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, ulong index, out int plainLength)
    {
        plainLength = length - TagLength;
        if (plainLength < headerLength)
            return false;
        Span<byte> iv = stackalloc byte[12];
        BuildIv(iv, _rtpSalt, ssrc, (uint)(index >> 16), (uint)(index & 0xFFFF), rtcp: false);
        Span<byte> payload = packet[headerLength..plainLength];
        try
        {
            _rtp.Decrypt(iv, payload, packet.Slice(plainLength, TagLength), payload, packet[..headerLength]);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false; // .NET clears the output on failure; the packet is dropped anyway
        }
    }

    public override int ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index)
    {
        uint word = 0x80000000u | index;
        Span<byte> iv = stackalloc byte[12];
        BuildIv(iv, _rtcpSalt, ssrc, 0, index, rtcp: true);
        Span<byte> aad = stackalloc byte[12];
        packet[..8].CopyTo(aad);
        BinaryPrimitives.WriteUInt32BigEndian(aad[8..], word);
        Span<byte> body = packet[8..length];
        _rtcp.Encrypt(iv, body, body, packet.Slice(length, TagLength), aad);
        BinaryPrimitives.WriteUInt32BigEndian(packet[(length + TagLength)..], word);
        return length + TagLength + 4;
    }

    public override uint ReadRtcpIndexWord(ReadOnlySpan<byte> packet, int length) =>
        BinaryPrimitives.ReadUInt32BigEndian(packet[(length - 4)..]);

    public override bool UnprotectRtcp(Span<byte> packet, int length, uint ssrc, uint indexWord, out int plainLength)
    {
        plainLength = length - TagLength - 4;
        Span<byte> iv = stackalloc byte[12];
        BuildIv(iv, _rtcpSalt, ssrc, 0, indexWord & 0x7FFFFFFFu, rtcp: true);
        Span<byte> tag = packet.Slice(plainLength, TagLength);
        try
        {
            if ((indexWord & 0x80000000u) != 0)
            {
                Span<byte> aad = stackalloc byte[12];
                packet[..8].CopyTo(aad);
                BinaryPrimitives.WriteUInt32BigEndian(aad[8..], indexWord);
                Span<byte> body = packet[8..plainLength];
                _rtcp.Decrypt(iv, body, tag, body, aad);
            }
            else
            {
                // Unencrypted SRTCP: everything including the index word is associated data (RFC 7714 §9.3).
                Span<byte> aad = new byte[plainLength + 4];
                packet[..plainLength].CopyTo(aad);
                BinaryPrimitives.WriteUInt32BigEndian(aad[plainLength..], indexWord);
                _rtcp.Decrypt(iv, ReadOnlySpan<byte>.Empty, tag, Span<byte>.Empty, aad);
            }
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    public override void Dispose()
    {
        _rtp.Dispose();
        _rtpEncryptor?.Dispose();
        _rtcp.Dispose();
    }
}
