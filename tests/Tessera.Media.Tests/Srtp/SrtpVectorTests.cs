using Tessera.Media.Srtp;

namespace Tessera.Media.Tests.Srtp;

public class SrtpVectorTests
{
    [Fact]
    public void Aes_cm_keystream_matches_rfc3711_b2()
    {
        using var ctr = new AesCounterMode(Hex.Parse("2B7E151628AED2A6ABF7158809CF4F3C"));
        var stream = new byte[0xFF02 * 16];
        ctr.GenerateKeystream(Hex.Parse("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"), stream);
        string Block(int j) => Convert.ToHexString(stream, j * 16, 16);
        Assert.Equal("E03EAD0935C95E80E166B16DD92B4EB4", Block(0));
        Assert.Equal("D23513162B02D0F72A43A2FE4A5F97AB", Block(1));
        Assert.Equal("41E95B3BB0A2E8DD477901E4FCA894C0", Block(2));
        Assert.Equal("EC8CDF7398607CB0F2D21675EA9EA1E4", Block(0xFEFF));
        Assert.Equal("362B7C3C6773516318A077D7FC5073AE", Block(0xFF00));
        Assert.Equal("6A2CC3787889374FBEB4C81B17BA6C44", Block(0xFF01));
    }

    [Fact]
    public void Key_derivation_matches_rfc3711_b3()
    {
        var key = Hex.Parse("E1F97A0D3E018BE0D64FA32C06DE4139");
        var salt = Hex.Parse("0EC675AD498AFEEBB6960B3AABE6");
        Assert.Equal("C61E7A93744F39EE10734AFE3FF7A087", Convert.ToHexString(SrtpKeyDerivation.Derive(key, salt, 0, 16)));
        Assert.Equal("30CBBC08863D8C85D49DB34A9AE1", Convert.ToHexString(SrtpKeyDerivation.Derive(key, salt, 2, 14)));
        Assert.Equal("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4", Convert.ToHexString(SrtpKeyDerivation.Derive(key, salt, 1, 20)));
    }

    // RFC 7714 §16 and §17 use the session key and salt directly.
    private static readonly byte[] GcmKey = Hex.Parse("000102030405060708090a0b0c0d0e0f");
    private static readonly byte[] GcmSalt = Hex.Parse("517569642070726f2071756f");

    private static SrtpSessionKeys GcmSessionKeys() => new(GcmKey, [], GcmSalt, GcmKey, [], GcmSalt);

    private static readonly byte[] RtpPlain = Hex.Parse(
        "8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573");
    private static readonly byte[] RtpProtected = Hex.Parse(
        "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce");
    private static readonly byte[] RtcpPlain = Hex.Parse(
        "81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef");
    private static readonly byte[] RtcpProtected = Hex.Parse(
        "81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4");
    private static readonly byte[] RtcpTagOnly = Hex.Parse(
        "81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef841dd9683dd78ec92ae58790125f62b3000005d4");

    [Fact]
    public void Gcm_rtp_protect_matches_rfc7714_16_1()
    {
        using var ctx = new SrtpContext(SrtpProfile.AeadAes128Gcm, GcmSessionKeys());
        var buffer = new byte[RtpPlain.Length + 16];
        RtpPlain.CopyTo(buffer, 0);
        int length = ctx.ProtectRtp(buffer, RtpPlain.Length);
        Assert.Equal(Convert.ToHexString(RtpProtected), Convert.ToHexString(buffer, 0, length));
    }

    [Fact]
    public void Gcm_rtp_unprotect_matches_rfc7714_16_1()
    {
        using var ctx = new SrtpContext(SrtpProfile.AeadAes128Gcm, GcmSessionKeys());
        var buffer = (byte[])RtpProtected.Clone();
        Assert.Equal(SrtpStatus.Ok, ctx.UnprotectRtp(buffer, buffer.Length, out int length));
        Assert.Equal(Convert.ToHexString(RtpPlain), Convert.ToHexString(buffer, 0, length));
    }

    [Fact]
    public void Gcm_rtcp_protect_matches_rfc7714_17_1()
    {
        using var transform = new AesGcmTransform(GcmSessionKeys());
        var buffer = new byte[RtcpPlain.Length + 20];
        RtcpPlain.CopyTo(buffer, 0);
        int length = transform.ProtectRtcp(buffer, RtcpPlain.Length, 0x4d617273, 0x5d4);
        Assert.Equal(Convert.ToHexString(RtcpProtected), Convert.ToHexString(buffer, 0, length));
    }

    [Fact]
    public void Gcm_rtcp_unprotect_matches_rfc7714_17_1()
    {
        using var ctx = new SrtpContext(SrtpProfile.AeadAes128Gcm, GcmSessionKeys());
        var buffer = (byte[])RtcpProtected.Clone();
        Assert.Equal(SrtpStatus.Ok, ctx.UnprotectRtcp(buffer, buffer.Length, out int length));
        Assert.Equal(Convert.ToHexString(RtcpPlain), Convert.ToHexString(buffer, 0, length));
    }

    [Fact]
    public void Gcm_rtcp_tag_only_packet_verifies_as_rfc7714_17_3()
    {
        using var ctx = new SrtpContext(SrtpProfile.AeadAes128Gcm, GcmSessionKeys());
        var buffer = (byte[])RtcpTagOnly.Clone();
        Assert.Equal(SrtpStatus.Ok, ctx.UnprotectRtcp(buffer, buffer.Length, out int length));
        Assert.Equal(Convert.ToHexString(RtcpPlain), Convert.ToHexString(buffer, 0, length));
    }

    [Fact]
    public void Gcm_rtcp_tampered_vector_is_refused()
    {
        using var ctx = new SrtpContext(SrtpProfile.AeadAes128Gcm, GcmSessionKeys());
        var buffer = (byte[])RtcpProtected.Clone();
        buffer[12] ^= 0x40;
        Assert.Equal(SrtpStatus.AuthenticationFailed, ctx.UnprotectRtcp(buffer, buffer.Length, out _));
    }
}
