using Tessera.Media.Sfu;
using Tessera.Media.Transport;
using static Tessera.Media.Tests.Sfu.SfuFixtures;

namespace Tessera.Media.Tests.Sfu;

/// <summary>
/// The packet path runs tens of thousands of times a second: a per-packet allocation there is GC
/// work the server pays at that rate. This keeps one from creeping back in.
/// </summary>
public class ForwardingAllocationTests
{
    /// <summary>Stands for the receivers' transports: it only counts, so what is measured is the forwarding itself.</summary>
    private sealed class CountingSink : IRtpSink
    {
        public int Packets;

        public bool SendRtp(Span<byte> buffer, int length)
        {
            Packets++;
            return true;
        }

        public void SendRtcp(IReadOnlyList<Tessera.Media.Rtcp.RtcpPacket> packets) { }
    }

    [Fact]
    public void Forwarding_a_packet_to_every_receiver_allocates_nothing()
    {
        var clock = new ManualTimeProvider();
        var track = Track(new RecordingSink(), clock, null, "nack", "nack pli");
        var sinks = Enumerable.Range(0, 25).Select(_ => new CountingSink()).ToArray();
        var forwarders = sinks.Select((sink, i) => new TrackForwarder(track, 0x1000u + (uint)i, 96, sink, clock)).ToArray();
        var packets = Enumerable.Range(0, 2000).Select(i => Packet((ushort)i, payload: new byte[1100])).ToArray();

        for (int i = 0; i < 1000; i++) // warm-up: history rings, statistics and the JIT settle
            track.Deliver(packets[i]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 1000; i < 2000; i++)
            track.Deliver(packets[i]);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.All(sinks, s => Assert.Equal(2000, s.Packets));
        // 1,000 packets × 25 receivers: even 1 byte per forwarded packet would show as 25,000.
        Assert.True(allocated < 1024, $"{allocated} bytes allocated for 25,000 forwarded packets");
        foreach (var f in forwarders)
            f.Dispose();
    }
}
