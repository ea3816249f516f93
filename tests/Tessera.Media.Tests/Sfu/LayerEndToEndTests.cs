using System.Net;
using Tessera.Media.Dtls;
using Tessera.Media.Rtcp;
using Tessera.Media.Rtp;
using Tessera.Media.Sfu;
using Tessera.Media.Transport;

using static Tessera.Media.Tests.Sfu.SfuFixtures;
using static Tessera.Media.Tests.Sfu.SimulatedCalls;

namespace Tessera.Media.Tests.Sfu;

/// <summary>
/// Layer selection through the whole stack: a simulated publisher sends VP8 with temporal layers, a
/// simulated receiver reports a low REMB over SRTCP, and the connection's periodic work (called here
/// directly, with a manual clock for the rate measurements) stops the top temporal layer.
/// </summary>
public sealed class LayerEndToEndTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);
    private readonly ManualTimeProvider _clock = new();
    private ushort _sequence = 2000;

    /// <summary>A VP8 packet of the "h" encoding with a temporal layer index, 400 bytes of payload.</summary>
    private byte[] PublisherPacket(int tid)
    {
        var payload = new byte[400];
        payload[0] = 0x90; payload[1] = 0x20; payload[2] = (byte)(tid << 6); payload[3] = 0x01;
        var b = new RtpPacketBuilder { PayloadType = 96, SequenceNumber = _sequence, Timestamp = _sequence * 3000u, Ssrc = 0x1234, Payload = payload, Marker = true };
        _sequence++;
        b.Extensions.Add((4, "1"u8.ToArray()));
        b.Extensions.Add((10, "h"u8.ToArray()));
        return b.ToArray();
    }

    private static int Tid(byte[] rtp) => rtp[Parse(rtp).PayloadOffset + 2] >> 6;

    [Fact]
    public async Task A_receiver_reporting_a_low_remb_stops_getting_the_top_temporal_layer_with_continuous_numbering()
    {
        await using var endpoint = UdpMultiplexer.Open(new UdpMultiplexerOptions { BindAddress = IPAddress.Loopback });
        var certificate = DtlsCertificate.Generate();
        using var publisher = new BrowserSimulator();
        using var receiver = new BrowserSimulator();

        using var up = PublisherConnection.Accept(endpoint, certificate, publisher.PublishOffer(), ["vp8"], _clock);
        var added = new TaskCompletionSource<IncomingTrack>(TaskCreationOptions.RunContinuationsAsynchronously);
        up.TrackAdded += t => added.TrySetResult(t);
        await publisher.ConnectPublisherAsync(endpoint, up);
        await publisher.SendRtpAsync(PublisherPacket(0));
        var track = await added.Task.WaitAsync(Generous);

        using var down = new ReceiverConnection(endpoint, certificate, "s1", _clock);
        var outgoing = down.AddTrack(track);
        await receiver.ConnectReceiverAsync(endpoint, down);
        var forwarder = down.Forwarders.Single();

        // Two seconds of media in quarter-second slots, TIDs 0,2,1,2 (about 100 kbit/s, half of it TID 2).
        int[] pattern = [0, 2, 1, 2];
        long sent = track.Statistics.PacketsReceived;
        for (int slot = 0; slot < 8; slot++)
        {
            for (int i = 0; i < 8; i++)
                await publisher.SendRtpAsync(PublisherPacket(pattern[i % 4]));
            sent += 8;
            await Eventually.True(() => track.Statistics.PacketsReceived == sent);
            _clock.Advance(TimeSpan.FromMilliseconds(250));
        }
        var before = new List<byte[]>();
        for (int i = 0; i < 64; i++)
            before.Add(await receiver.ReceiveRtpAsync().WaitAsync(Generous));
        Assert.Contains(before, p => Tid(p) == 2);

        await receiver.SendRtcpAsync(new ReceiverEstimatedMaxBitrate { SenderSsrc = 5, Bitrate = 60_000, Ssrcs = { outgoing.Ssrc } });
        await Eventually.True(() => forwarder.ReceiverBitrate == 60_000);
        down.SendReports(); // the once-a-second work: layer decisions, then sender reports
        Assert.Equal(new LayerChoice(0, 1), forwarder.Layers.Limit);
        // Nobody can take more than 60 kbit/s: the publisher is asked for the floor (§12.5).
        Assert.Equal(204_800ul, track.TargetBitrate());

        for (int i = 0; i < 8; i++)
            await publisher.SendRtpAsync(PublisherPacket(pattern[i % 4]));
        var after = new List<byte[]>();
        for (int i = 0; i < 4; i++)
            after.Add(await receiver.ReceiveRtpAsync().WaitAsync(Generous));
        Assert.Equal([0, 1, 0, 1], after.Select(Tid));
        int last = Parse(before[^1]).SequenceNumber;
        Assert.Equal(Enumerable.Range(last + 1, 4), after.Select(p => (int)Parse(p).SequenceNumber));
        Assert.All(after, p => Assert.True(Parse(p).Marker));
    }
}
