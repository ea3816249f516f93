using System.Net;
using System.Text;
using CsCheck;
using Tessera.Media.Ice;
using Tessera.Media.Rtcp;
using Tessera.Media.Rtp;
using Tessera.Media.Sdp;
using Tessera.Media.Stun;
using Tessera.Media.Tests.Sdp;
using Tessera.Media.Transport;
using Tessera.Tests.Shared;

namespace Tessera.Media.Tests.Fuzz;

/// <summary>
/// Every media parser that reads datagrams or SDP from the network, fed random bytes and damaged
/// valid samples: each either parses or says no through its documented path, and nothing it
/// returns breaks when read. Long runs of the same targets: fuzz/README.md.
/// </summary>
public class MediaParserProperties
{
    private const int Iterations = 4000;
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("fuzzing-password-0123456789");

    private static byte[] BindingRequest() =>
        new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId())
            .AddUsername("abcd:efgh").AddPriority(12345).AddUseCandidate().AddIceControlling(42)
            .AddMessageIntegrity(Key).AddFingerprint().ToArray();

    private static byte[] BindingSuccess() =>
        new StunMessageBuilder(StunMessageType.BindingSuccess, StunMessageBuilder.NewTransactionId())
            .AddXorMappedAddress(new IPEndPoint(IPAddress.Parse("2001:db8::7"), 5000)).AddMessageIntegrity(Key).AddFingerprint().ToArray();

    private static byte[] BindingError() =>
        new StunMessageBuilder(StunMessageType.BindingError, StunMessageBuilder.NewTransactionId())
            .AddErrorCode(StunErrorCode.UnknownAttribute).AddUnknownAttributes([0x0033, 0x8055]).AddFingerprint().ToArray();

    private static byte[] Rtp(bool twoByte) => new RtpPacketBuilder
    {
        PayloadType = 96, SequenceNumber = 65535, Timestamp = 90000, Ssrc = 0xCAFE, Marker = true,
        Csrcs = { 1, 2 }, Extensions = { (4, "0"u8.ToArray()), (10, "h"u8.ToArray()) }, ForceTwoByteExtensions = twoByte,
        Payload = [0x90, 0x80, 0x12, 0x34, 1, 2, 3],
    }.ToArray();

    private static byte[] Rtcp() => RtcpCompound.Serialize(
        new SenderReport { Ssrc = 1, NtpTimestamp = 2, RtpTimestamp = 3, PacketCount = 4, OctetCount = 5 },
        new GenericNack { SenderSsrc = 5, MediaSsrc = 6, LostSequenceNumbers = { 1, 2, 17, 65535 } },
        new ReceiverEstimatedMaxBitrate { SenderSsrc = 5, Bitrate = 300_000, Ssrcs = { 6, 7 } },
        new PictureLossIndication { SenderSsrc = 5, MediaSsrc = 6 });

    [Fact]
    public void Stun_parsing_never_throws_and_what_it_parses_can_be_read() =>
        Mutations.OrRandom(600, BindingRequest(), BindingSuccess(), BindingError()).Sample(bytes =>
        {
            if (!StunMessage.TryParse(bytes, out var m)) return;
            _ = (m!.Username, m.Software, m.Priority, m.UseCandidate, m.IceControlling, m.IceControlled, m.XorMappedAddress, m.ErrorCode);
            _ = m.UnknownRequiredAttributes();
            _ = m.VerifyFingerprint();
            _ = m.VerifyMessageIntegrity(Key);
            _ = m.CheckRequest(Key);
        }, iter: Iterations);

    [Fact]
    public void Stun_messages_we_build_parse_back_and_verify() =>
        Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 1, 64], Gen.UInt, (user, priority) => (user, priority)).Sample(t =>
        {
            var bytes = new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId())
                .AddUsername(t.user).AddPriority(t.priority).AddMessageIntegrity(Key).AddFingerprint().ToArray();
            Assert.True(StunMessage.TryParse(bytes, out var m));
            Assert.Equal((t.user, t.priority), (m!.Username, m.Priority));
            Assert.Equal(StunCheckResult.Ok, m.CheckRequest(Key));
        }, iter: 500);

    [Fact]
    public void Rtp_parsing_never_throws_and_stays_inside_the_packet() =>
        Mutations.OrRandom(300, Rtp(false), Rtp(true)).Sample(bytes =>
        {
            if (!RtpPacket.TryParse(bytes, out var p)) return;
            Assert.InRange(p.PayloadOffset + p.PayloadLength + p.PaddingLength, 12, bytes.Length);
            foreach (var e in p.GetExtensions(bytes))
                Assert.InRange(e.DataOffset + e.DataLength, 0, bytes.Length);
            Assert.True(RtpHeaderLength.TryGet(bytes, out var header) && header == p.HeaderLength);
        }, iter: Iterations);

    [Fact]
    public void Rtp_packets_we_build_parse_back() =>
        Gen.Select(Gen.UShort, Gen.UInt, Gen.Byte.Array[0, 200], (seq, ssrc, payload) => (seq, ssrc, payload)).Sample(t =>
        {
            var bytes = new RtpPacketBuilder { PayloadType = 111, SequenceNumber = t.seq, Ssrc = t.ssrc, Payload = t.payload, Extensions = { (3, [9]) } }.ToArray();
            Assert.True(RtpPacket.TryParse(bytes, out var p));
            Assert.Equal((t.seq, t.ssrc, t.payload.Length), (p.SequenceNumber, p.Ssrc, p.PayloadLength));
            Assert.Equal(t.payload, bytes.AsSpan(p.PayloadOffset, p.PayloadLength).ToArray());
        }, iter: 500);

    [Fact]
    public void Rtcp_parsing_never_throws_and_what_it_parses_serializes_again() =>
        Mutations.OrRandom(300, Rtcp()).Sample(bytes =>
        {
            if (!RtcpCompound.TryParse(bytes, out var packets)) return;
            var again = RtcpCompound.Serialize(packets);
            Assert.True(RtcpCompound.TryParse(again, out var reparsed));
            Assert.Equal(packets.Count, reparsed.Count);
        }, iter: Iterations);

    [Fact]
    public void Sdp_parsing_fails_only_with_its_own_exception() =>
        Mutations.Of(Encoding.UTF8.GetBytes(ChromeSamples.PublishOffer), Encoding.UTF8.GetBytes(ChromeSamples.DownstreamAnswer()))
            .Sample(bytes =>
            {
                try
                {
                    var sdp = SessionDescription.Parse(Encoding.UTF8.GetString(bytes));
                    _ = RemoteTransport.From(sdp);
                    _ = sdp.ToString();
                }
                catch (SdpFormatException)
                {
                }
            }, iter: 1500);

    [Fact]
    public async Task The_shared_media_port_survives_any_datagram_and_still_answers_checks()
    {
        await using var endpoint = UdpMultiplexer.Open(new UdpMultiplexerOptions { BindAddress = IPAddress.Loopback });
        var agent = endpoint.CreateAgent(new Tessera.Media.Tests.Transport.DatagramRecorder());
        using var client = new Tessera.Media.Tests.Ice.StunTestClient();
        var dtlsHello = new byte[] { 22, 254, 253, 0, 0, 0, 0, 0, 0, 0, 0, 0, 60, 1, 0, 0, 48 };
        // Each first byte goes its own way (STUN, DTLS, RTP/RTCP, nothing): damage all of them.
        var datagrams = Mutations.OrRandom(1500, BindingRequest(), dtlsHello, Rtp(false), Rtcp()).Array[3000].Single();
        foreach (var datagram in datagrams.Where(d => d.Length > 0))
            await client.SendAsync(datagram, endpoint.LocalEndPoint);
        var reply = await client.CheckAsync(endpoint.LocalEndPoint, $"{agent.Local.Ufrag}:peer", agent.Local.Password);
        Assert.Equal(StunMessageType.BindingSuccess, reply.Type);
    }
}
