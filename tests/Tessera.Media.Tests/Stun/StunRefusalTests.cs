using Tessera.Media.Stun;

namespace Tessera.Media.Tests.Stun;

public class StunRefusalTests
{
    private static byte[] Request() => (byte[])Rfc5769Vectors.SampleRequest.Clone();

    [Fact]
    public void Wrong_password_fails_integrity()
    {
        Assert.True(StunMessage.TryParse(Request(), out var m));
        Assert.Equal(StunCheckResult.BadIntegrity, m!.CheckRequest("not-the-password"u8));
    }

    [Fact]
    public void Tampered_priority_fails_fingerprint()
    {
        var bytes = Request();
        bytes[48] ^= 0x01; // inside the PRIORITY value
        Assert.True(StunMessage.TryParse(bytes, out var m));
        Assert.Equal(StunCheckResult.BadFingerprint, m!.CheckRequest("VOkJxbRl1RmTxUk/WvJxBt"u8));
    }

    [Fact]
    public void Tampered_username_with_recomputed_fingerprint_fails_integrity()
    {
        // An attacker who rewrites the body can recompute the CRC but not the HMAC.
        var bytes = Request();
        bytes[68] = (byte)'X';
        uint crc = Crc32.Compute(bytes.AsSpan(0, bytes.Length - 8)) ^ StunConstants.FingerprintXor;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(bytes.Length - 4), crc);
        Assert.True(StunMessage.TryParse(bytes, out var m));
        Assert.True(m!.VerifyFingerprint());
        Assert.Equal(StunCheckResult.BadIntegrity, m.CheckRequest("VOkJxbRl1RmTxUk/WvJxBt"u8));
    }

    [Fact]
    public void Request_without_fingerprint_is_refused()
    {
        var bytes = new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId())
            .AddUsername("a:b").AddMessageIntegrity("pw").ToArray();
        Assert.True(StunMessage.TryParse(bytes, out var m));
        Assert.Equal(StunCheckResult.MissingFingerprint, m!.CheckRequest("pw"u8));
    }

    [Fact]
    public void Request_without_integrity_is_refused()
    {
        var bytes = new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId())
            .AddUsername("a:b").AddFingerprint().ToArray();
        Assert.True(StunMessage.TryParse(bytes, out var m));
        Assert.Equal(StunCheckResult.MissingIntegrity, m!.CheckRequest("pw"u8));
    }

    [Fact]
    public void Wrong_magic_cookie_is_not_stun()
    {
        var bytes = Request();
        bytes[4] = 0x22;
        Assert.False(StunMessage.TryParse(bytes, out _));
    }

    [Fact]
    public void Length_field_disagreeing_with_datagram_is_refused()
    {
        var bytes = Request();
        Assert.False(StunMessage.TryParse(bytes.AsSpan(0, bytes.Length - 4), out _));
    }

    [Fact]
    public void Attribute_overrunning_message_is_refused()
    {
        var bytes = Request();
        bytes[22] = 0x01; // SOFTWARE length 0x0110: beyond the end
        Assert.False(StunMessage.TryParse(bytes, out _));
    }

    [Fact]
    public void Attribute_after_fingerprint_is_refused()
    {
        var good = Request();
        var bytes = new byte[good.Length + 8];
        good.CopyTo(bytes, 0);
        bytes[3] = (byte)(good.Length + 8 - 20);
        bytes[good.Length + 1] = 0x24; // PRIORITY after FINGERPRINT
        bytes[good.Length + 3] = 4;
        Assert.False(StunMessage.TryParse(bytes, out _));
    }

    [Fact]
    public void Attributes_after_integrity_are_ignored()
    {
        var bytes = new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId())
            .AddUsername("a:b").AddMessageIntegrity("pw").AddPriority(7).AddFingerprint().ToArray();
        Assert.True(StunMessage.TryParse(bytes, out var m));
        Assert.Null(m!.Priority);
        Assert.Equal(StunCheckResult.Ok, m.CheckRequest("pw"u8));
    }
}
