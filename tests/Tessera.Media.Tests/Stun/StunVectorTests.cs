using System.Net;
using Tessera.Media.Stun;

namespace Tessera.Media.Tests.Stun;

public class StunVectorTests
{
    [Fact]
    public void Sample_request_parses_and_verifies()
    {
        Assert.True(StunMessage.TryParse(Rfc5769Vectors.SampleRequest, out var m));
        Assert.Equal(StunMessageType.BindingRequest, m!.Type);
        Assert.Equal("evtj:h6vY", m.Username);
        Assert.Equal("STUN test client", m.Software);
        Assert.Equal(0x6e0001ffu, m.Priority);
        Assert.Equal(0x932ff9b151263b36ul, m.IceControlled);
        Assert.Null(m.IceControlling);
        Assert.False(m.UseCandidate);
        Assert.Equal(StunCheckResult.Ok, m.CheckRequest("VOkJxbRl1RmTxUk/WvJxBt"u8));
    }

    [Fact]
    public void Sample_request_is_rebuilt_byte_for_byte()
    {
        var built = new StunMessageBuilder(StunMessageType.BindingRequest, Rfc5769Vectors.TransactionId) { PaddingByte = 0x20 }
            .AddSoftware("STUN test client")
            .AddPriority(0x6e0001ff)
            .AddIceControlled(0x932ff9b151263b36)
            .AddUsername("evtj:h6vY")
            .AddMessageIntegrity(Rfc5769Vectors.Password)
            .AddFingerprint()
            .ToArray();
        Assert.Equal(Convert.ToHexString(Rfc5769Vectors.SampleRequest), Convert.ToHexString(built));
    }

    [Fact]
    public void Sample_IPv4_response_is_rebuilt_byte_for_byte()
    {
        var built = new StunMessageBuilder(StunMessageType.BindingSuccess, Rfc5769Vectors.TransactionId) { PaddingByte = 0x20 }
            .AddSoftware("test vector")
            .AddXorMappedAddress(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853))
            .AddMessageIntegrity(Rfc5769Vectors.Password)
            .AddFingerprint()
            .ToArray();
        Assert.Equal(Convert.ToHexString(Rfc5769Vectors.SampleIPv4Response), Convert.ToHexString(built));
    }

    [Fact]
    public void Sample_IPv6_response_is_rebuilt_byte_for_byte()
    {
        var built = new StunMessageBuilder(StunMessageType.BindingSuccess, Rfc5769Vectors.TransactionId) { PaddingByte = 0x20 }
            .AddSoftware("test vector")
            .AddXorMappedAddress(new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853))
            .AddMessageIntegrity(Rfc5769Vectors.Password)
            .AddFingerprint()
            .ToArray();
        Assert.Equal(Convert.ToHexString(Rfc5769Vectors.SampleIPv6Response), Convert.ToHexString(built));
    }

    [Fact]
    public void IPv4_response_decodes_mapped_address_and_verifies()
    {
        Assert.True(StunMessage.TryParse(Rfc5769Vectors.SampleIPv4Response, out var m));
        Assert.Equal(StunMessageType.BindingSuccess, m!.Type);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853), m.XorMappedAddress);
        Assert.True(m.VerifyMessageIntegrity("VOkJxbRl1RmTxUk/WvJxBt"u8));
        Assert.True(m.VerifyFingerprint());
    }

    [Fact]
    public void IPv6_response_decodes_mapped_address_and_verifies()
    {
        Assert.True(StunMessage.TryParse(Rfc5769Vectors.SampleIPv6Response, out var m));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853), m!.XorMappedAddress);
        Assert.True(m.VerifyMessageIntegrity("VOkJxbRl1RmTxUk/WvJxBt"u8));
        Assert.True(m.VerifyFingerprint());
    }
}
