using System.Diagnostics;
using Tessera.Media.Rtcp;
using Tessera.Media.Rtp;
using Tessera.Media.Sdp;
using Tessera.Media.Sfu;
using Tessera.Media.Srtp;
using Tessera.Media.Transport;

/// <summary>
/// Cost of the forwarding plane for one incoming 1,200-byte video packet: unprotect from the
/// publisher, cache, statistics, then per receiver copy + strip extensions + rewrite + protect.
/// </summary>
internal static class ForwardingBench
{
    private sealed class ProtectingSink(SrtpContext context) : IRtpSink
    {
        public bool SendRtp(Span<byte> buffer, int length)
        {
            context.ProtectRtp(buffer, length);
            return true;
        }

        public void SendRtcp(IReadOnlyList<RtcpPacket> packets) { }
    }

    public static void Run(int packets)
    {
        var key = new byte[16];
        var salt = new byte[12];
        Random.Shared.NextBytes(key);
        Random.Shared.NextBytes(salt);
        var codec = new NegotiatedCodec(96, CodecCatalog.ByName("vp8")!, "", ["nack", "nack pli"]);
        var media = new NegotiatedMedia("1", "video", [codec], new Dictionary<int, string> { [4] = RtpExtensionUris.Mid }, [], [], null, null);

        foreach (int receivers in new[] { 1, 10 })
        {
            using var publisherSide = new SrtpContext(SrtpProfile.AeadAes128Gcm, key, salt);
            using var serverIn = new SrtpContext(SrtpProfile.AeadAes128Gcm, key, salt);
            var track = new IncomingTrack("1", media, codec, 0x1234, null, new ProtectingSink(publisherSide), 1, TimeProvider.System);
            var contexts = new List<SrtpContext>();
            for (int r = 0; r < receivers; r++)
            {
                var ctx = new SrtpContext(SrtpProfile.AeadAes128Gcm, key, salt);
                contexts.Add(ctx);
                _ = new TrackForwarder(track, (uint)(100 + r), 96, new ProtectingSink(ctx), TimeProvider.System);
            }

            var builder = new RtpPacketBuilder { PayloadType = 96, Ssrc = 0x1234, Payload = new byte[1200 - 20] };
            builder.Extensions.Add((4, "1"u8.ToArray()));
            var wire = new byte[packets][];
            for (int i = 0; i < packets; i++)
            {
                builder.SequenceNumber = (ushort)i;
                builder.Timestamp = (uint)(i * 3000);
                var plain = builder.ToArray();
                var b = new byte[plain.Length + 32];
                plain.CopyTo(b, 0);
                int n = publisherSide.ProtectRtp(b, plain.Length);
                wire[i] = b[..n];
            }
            var work = new byte[2048];
            void One(int i)
            {
                var w = wire[i];
                w.CopyTo(work, 0);
                if (serverIn.UnprotectRtp(work, w.Length, out int n) != SrtpStatus.Ok)
                    throw new InvalidOperationException("unprotect failed");
                track.Deliver(work.AsSpan(0, n));
            }
            int warm = packets / 4;
            for (int i = 0; i < warm; i++)
                One(i);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = warm; i < packets; i++)
                One(i);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            int measured = packets - warm;
            Console.WriteLine($"forward 1 packet to {receivers,2} receiver(s): {used.TotalMicroseconds / measured,6:F2} CPU µs/packet ({allocated / measured} B/packet allocated)");
            foreach (var c in contexts)
                c.Dispose();
        }
    }
}
