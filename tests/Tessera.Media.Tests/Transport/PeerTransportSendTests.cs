using System.Net;
using Tessera.Media.Dtls;
using Tessera.Media.Rtp;
using Tessera.Media.Sfu;
using Tessera.Media.Tests.Sfu;
using Tessera.Media.Transport;

namespace Tessera.Media.Tests.Transport;

/// <summary>What one receiver is sent, protected by its one outgoing SRTP context, through a real DTLS-keyed connection.</summary>
public sealed class PeerTransportSendTests
{
    [Fact]
    public async Task Packets_sent_to_one_receiver_from_two_threads_at_once_all_decrypt()
    {
        // Publishers on UDP and on ICE-TCP forward to the same receiver from the media receive thread
        // and from a connection's reading loop at once; the outgoing context (per-SSRC table,
        // rollover counters, cipher state) is used under the transport's send lock, so every packet
        // the receiver gets still decrypts.
        await using var endpoint = UdpMultiplexer.Open(new UdpMultiplexerOptions { BindAddress = IPAddress.Loopback });
        using var receiver = new BrowserSimulator();
        using var down = new ReceiverConnection(endpoint, DtlsCertificate.Generate(), "stream-1");
        down.AddTrack(SfuFixtures.Track(new RecordingSink(), new ManualTimeProvider())); // a media section to answer
        await receiver.ConnectReceiverAsync(endpoint, down);

        const int Each = 200;
        using var start = new Barrier(4);
        var senders = new[] { 0x5101u, 0x5102u, 0x5103u, 0x5104u }.Select(ssrc => Task.Run(() =>
        {
            var buffer = new byte[1500];
            start.SignalAndWait();
            for (int i = 0; i < Each; i++)
            {
                var plain = new RtpPacketBuilder { PayloadType = 96, SequenceNumber = (ushort)i, Timestamp = (uint)i * 3000, Ssrc = ssrc, Payload = new byte[1000] }
                    .ToArray();
                plain.CopyTo(buffer, 0);
                Assert.True(down.Transport.SendRtp(buffer, plain.Length));
            }
        })).ToArray();
        await Task.WhenAll(senders);

        var seen = new HashSet<(uint, ushort)>();
        for (int i = 0; i < 4 * Each; i++)
        {
            Assert.True(RtpPacket.TryParse(await receiver.ReceiveRtpAsync(), out var packet));
            Assert.True(seen.Add((packet.Ssrc, packet.SequenceNumber)), "no packet twice");
        }
        Assert.Equal(4 * Each, seen.Count);
    }

    [Fact]
    public async Task Inside_a_batch_packets_are_protected_straight_into_it_and_leave_in_order()
    {
        // On the receive thread a batch is open: protect writes each packet into its datagram in the
        // batch (the forwarder's buffer is left as it was), and more than a batch holds still leaves
        // whole and in order.
        await using var endpoint = UdpMultiplexer.Open(new UdpMultiplexerOptions { BindAddress = IPAddress.Loopback });
        using var receiver = new BrowserSimulator();
        using var down = new ReceiverConnection(endpoint, DtlsCertificate.Generate(), "stream-1");
        down.AddTrack(SfuFixtures.Track(new RecordingSink(), new ManualTimeProvider()));
        await receiver.ConnectReceiverAsync(endpoint, down);
        int count = DatagramBatch.Capacity + 36;
        var packets = Enumerable.Range(0, count).Select(i => new RtpPacketBuilder
        {
            PayloadType = 96, SequenceNumber = (ushort)i, Timestamp = (uint)i * 3000, Ssrc = 0x5201, Payload = Enumerable.Repeat((byte)i, 1100).ToArray(),
        }.ToArray()).ToArray();

        SendInOneBatch();

        for (int i = 0; i < count; i++)
        {
            var received = await receiver.ReceiveRtpAsync();
            Assert.Equal(packets[i], received);
        }

        void SendInOneBatch()
        {
            var buffer = new byte[1500];
            using var batch = endpoint.BeginBatch();
            foreach (var plain in packets)
            {
                plain.CopyTo(buffer, 0);
                Assert.True(down.Transport.SendRtp(buffer, plain.Length));
                Assert.True(buffer.AsSpan(0, plain.Length).SequenceEqual(plain), "protected in the caller's buffer, then copied");
            }
        }
    }
}
