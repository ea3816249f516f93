using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Tessera.Media.Srtp;

/// <summary>
/// AES_CM_128_HMAC_SHA1_80 (RFC 3711 §4.1.1, §4.2.1). The HMAC input (packet || ROC, or packet ||
/// E+index for SRTCP) is made contiguous by writing the 4 trailing bytes into the tag slot, so each
/// packet costs one hash update.
/// </summary>
internal sealed class AesCmHmacSha1Transform : SrtpTransform
{
    private const int TagLength = 10;
    private readonly AesCounterMode _rtpCipher;
    private readonly AesCounterMode _rtcpCipher;
    private readonly IncrementalHash _rtpHmac;
    private readonly IncrementalHash _rtcpHmac;
    private readonly byte[] _rtpSalt;
    private readonly byte[] _rtcpSalt;

    public AesCmHmacSha1Transform(SrtpSessionKeys keys)
    {
        _rtpCipher = new AesCounterMode(keys.RtpKey);
        _rtcpCipher = new AesCounterMode(keys.RtcpKey);
        _rtpHmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, keys.RtpAuthKey);
        _rtcpHmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, keys.RtcpAuthKey);
        _rtpSalt = keys.RtpSalt;
        _rtcpSalt = keys.RtcpSalt;
    }

    public override int RtpTagLength => TagLength;
    public override int RtcpTrailerLength => TagLength + 4;

    private static void BuildIv(Span<byte> iv, byte[] salt, uint ssrc, ulong index)
    {
        iv.Clear();
        salt.CopyTo(iv);
        iv[4] ^= (byte)(ssrc >> 24);
        iv[5] ^= (byte)(ssrc >> 16);
        iv[6] ^= (byte)(ssrc >> 8);
        iv[7] ^= (byte)ssrc;
        for (int k = 0; k < 6; k++)
            iv[8 + k] ^= (byte)(index >> (40 - 8 * k));
    }

    public override int ProtectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, ulong index)
    {
        Span<byte> iv = stackalloc byte[16];
        BuildIv(iv, _rtpSalt, ssrc, index);
        _rtpCipher.Transform(iv, packet[headerLength..length]);
        Authenticate(_rtpHmac, packet, length, (uint)(index >> 16), packet.Slice(length, TagLength));
        return length + TagLength;
    }

    public override bool UnprotectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, ulong index, out int plainLength)
    {
        plainLength = length - TagLength;
        if (plainLength < headerLength)
            return false;
        if (!Verify(_rtpHmac, packet, plainLength, (uint)(index >> 16)))
            return false;
        Span<byte> iv = stackalloc byte[16];
        BuildIv(iv, _rtpSalt, ssrc, index);
        _rtpCipher.Transform(iv, packet[headerLength..plainLength]);
        return true;
    }

    public override int ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index)
    {
        Span<byte> iv = stackalloc byte[16];
        BuildIv(iv, _rtcpSalt, ssrc, index);
        _rtcpCipher.Transform(iv, packet[8..length]);
        BinaryPrimitives.WriteUInt32BigEndian(packet[length..], 0x80000000u | index);
        Span<byte> tag = stackalloc byte[20];
        _rtcpHmac.AppendData(packet[..(length + 4)]);
        _rtcpHmac.GetHashAndReset(tag);
        tag[..TagLength].CopyTo(packet[(length + 4)..]);
        return length + 4 + TagLength;
    }

    public override uint ReadRtcpIndexWord(ReadOnlySpan<byte> packet, int length) =>
        BinaryPrimitives.ReadUInt32BigEndian(packet[(length - TagLength - 4)..]);

    public override bool UnprotectRtcp(Span<byte> packet, int length, uint ssrc, uint indexWord, out int plainLength)
    {
        int authenticated = length - TagLength;
        plainLength = authenticated - 4;
        Span<byte> expected = stackalloc byte[20];
        _rtcpHmac.AppendData(packet[..authenticated]);
        _rtcpHmac.GetHashAndReset(expected);
        if (!CryptographicOperations.FixedTimeEquals(expected[..TagLength], packet.Slice(authenticated, TagLength)))
            return false;
        if ((indexWord & 0x80000000u) != 0)
        {
            Span<byte> iv = stackalloc byte[16];
            BuildIv(iv, _rtcpSalt, ssrc, indexWord & 0x7FFFFFFFu);
            _rtcpCipher.Transform(iv, packet[8..plainLength]);
        }
        return true;
    }

    private static void Authenticate(IncrementalHash hmac, Span<byte> packet, int length, uint roc, Span<byte> tagSlot)
    {
        BinaryPrimitives.WriteUInt32BigEndian(tagSlot, roc);
        Span<byte> digest = stackalloc byte[20];
        hmac.AppendData(packet[..(length + 4)]);
        hmac.GetHashAndReset(digest);
        digest[..TagLength].CopyTo(tagSlot);
    }

    private static bool Verify(IncrementalHash hmac, Span<byte> packet, int authenticatedLength, uint roc)
    {
        Span<byte> received = stackalloc byte[TagLength];
        Span<byte> tagSlot = packet.Slice(authenticatedLength, TagLength);
        tagSlot.CopyTo(received);
        BinaryPrimitives.WriteUInt32BigEndian(tagSlot, roc);
        Span<byte> digest = stackalloc byte[20];
        hmac.AppendData(packet[..(authenticatedLength + 4)]);
        hmac.GetHashAndReset(digest);
        received.CopyTo(tagSlot); // leave the caller's buffer as received
        return CryptographicOperations.FixedTimeEquals(digest[..TagLength], received);
    }

    public override void Dispose()
    {
        _rtpCipher.Dispose();
        _rtcpCipher.Dispose();
        _rtpHmac.Dispose();
        _rtcpHmac.Dispose();
    }
}
