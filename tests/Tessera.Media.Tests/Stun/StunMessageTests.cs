using System.Net;
using Tessera.Media.Stun;

namespace Tessera.Media.Tests.Stun;

public class StunMessageTests
{
    [Theory]
    [InlineData(StunClass.Request, 0x0001)]
    [InlineData(StunClass.Indication, 0x0011)]
    [InlineData(StunClass.SuccessResponse, 0x0101)]
    [InlineData(StunClass.ErrorResponse, 0x0111)]
    public void Binding_message_types_encode_as_in_rfc(StunClass cls, int wire)
    {
        var type = new StunMessageType(StunMethod.Binding, cls);
        Assert.Equal((ushort)wire, type.ToWire());
        Assert.Equal(type, StunMessageType.FromWire((ushort)wire));
    }

    [Fact]
    public void Error_response_round_trips_error_code()
    {
        var bytes = new StunMessageBuilder(StunMessageType.BindingError, StunMessageBuilder.NewTransactionId())
            .AddErrorCode(StunErrorCode.RoleConflict).AddFingerprint().ToArray();
        Assert.True(StunMessage.TryParse(bytes, out var m));
        Assert.Equal(StunMessageType.BindingError, m!.Type);
        Assert.Equal(487, m.ErrorCode!.Value.Code);
        Assert.Equal("Role Conflict", m.ErrorCode!.Value.Reason);
        Assert.True(m.VerifyFingerprint());
    }

    [Fact]
    public void Ice_attributes_round_trip()
    {
        var bytes = new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId())
            .AddUsername("srv:cli").AddPriority(1853817087).AddIceControlling(42).AddUseCandidate()
            .AddMessageIntegrity("secret").AddFingerprint().ToArray();
        Assert.True(StunMessage.TryParse(bytes, out var m));
        Assert.Equal("srv:cli", m!.Username);
        Assert.Equal(1853817087u, m.Priority);
        Assert.Equal(42ul, m.IceControlling);
        Assert.True(m.UseCandidate);
        Assert.Equal(StunCheckResult.Ok, m.CheckRequest("secret"u8));
    }

    [Fact]
    public void IPv4_mapped_IPv6_endpoint_is_encoded_as_IPv4()
    {
        var ep = new IPEndPoint(IPAddress.Parse("::ffff:127.0.0.1"), 5000);
        var bytes = new StunMessageBuilder(StunMessageType.BindingSuccess, StunMessageBuilder.NewTransactionId())
            .AddXorMappedAddress(ep).ToArray();
        Assert.True(StunMessage.TryParse(bytes, out var m));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 5000), m!.XorMappedAddress);
    }

    [Fact]
    public void Unknown_comprehension_required_attribute_is_reported()
    {
        var bytes = new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId())
            .Add(0x0033, new byte[] { 1, 2, 3, 4 }).Add(0x8033, new byte[] { 1 }).ToArray();
        Assert.True(StunMessage.TryParse(bytes, out var m));
        Assert.Equal(new ushort[] { 0x0033 }, m!.UnknownRequiredAttributes());
    }

    [Fact]
    public void Crc32_matches_the_standard_check_value()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
    }
}
