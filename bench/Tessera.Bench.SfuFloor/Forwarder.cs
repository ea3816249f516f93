using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Tessera.Media.Srtp;
using Tessera.Media.Transport;

namespace Tessera.Bench.SfuFloor;

/// <summary>
/// The least an SFU does per forwarded packet, with tessera's own system calls and SRTP code: one
/// UDP socket bound like tessera's media port (dual-stack <c>::</c>, 1 MiB receive buffer), read
/// by one thread with <c>recvmmsg</c> (<see cref="DatagramReader"/>); each datagram is unprotected
/// once, then for each of its publisher's receivers given the down stream's SSRC and sequence number
/// and protected with the down stream's <see cref="SrtpContext"/> (AES-128-GCM) straight into a
/// <c>sendmmsg</c> slot (<see cref="DatagramBatch"/>): one pass over the payload per receiver. What one wake-up produced
/// leaves when it is done, or every 64 datagrams, as in tessera. No ICE, DTLS, RTCP, NACK history,
/// layer filtering, statistics or locks: this is the floor, not an SFU.
/// </summary>
internal static class Forwarder
{
    /// <summary>
    /// Runs until stdin closes. Arguments: publishers, subscribers, then the sinks' UDP ports on
    /// 127.0.0.1, one per down stream (publisher × subscribers + subscriber). Prints the port it
    /// listens on.
    /// </summary>
    public static int Run(int publishers, int subscribers, IReadOnlyList<int> sinkPorts)
    {
        using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { DualMode = true };
        socket.ReceiveBufferSize = 1 << 20;
        socket.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
        var upstream = Enumerable.Range(0, publishers).Select(p => Streams.Context(upstream: true, p)).ToArray();
        var downstream = Enumerable.Range(0, publishers * subscribers).Select(d => Streams.Context(upstream: false, d)).ToArray();
        var addresses = sinkPorts.Select(port => new IPEndPoint(IPAddress.Loopback.MapToIPv6(), port).Serialize()).ToArray();
        var sequences = new ushort[publishers * subscribers * 2];
        using var reader = DatagramReader.TryCreate() ?? throw new PlatformNotSupportedException("recvmmsg is needed (Linux, 64-bit)");
        using var batch = DatagramBatch.TryCreate() ?? throw new PlatformNotSupportedException("sendmmsg is needed (Linux, 64-bit)");
        Console.WriteLine($"forwarding on {((IPEndPoint)socket.LocalEndPoint!).Port}");
        // The driver ends us by closing our stdin; the receive loop is then unblocked by a shutdown.
        var stop = new Thread(() =>
        {
            Console.In.ReadToEnd();
            try
            {
                socket.Shutdown(SocketShutdown.Both); // wakes recvmmsg, which then returns 0
            }
            catch (SocketException)
            {
                // ENOTCONN on an unconnected UDP socket: Linux has shut it down and woken the reader all the same
            }
        }) { IsBackground = true };
        stop.Start();
        while (true)
        {
            int received = reader.Receive(socket, out int error);
            if (received == 0)
                return 0;
            if (received < 0)
            {
                Console.Error.WriteLine($"recvmmsg failed: errno {error}");
                return 1;
            }
            for (int i = 0; i < received; i++)
            {
                if (reader.WasTruncated(i))
                    continue;
                var packet = reader.Datagram(i);
                if (packet.Length < 12)
                    continue;
                uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
                int publisher = (int)((ssrc - Streams.PublisherSsrcBase) / 2);
                byte kind = (byte)(ssrc & 1);
                if ((uint)publisher >= (uint)publishers
                    || upstream[publisher].UnprotectRtp(packet, packet.Length, out int plain) != SrtpStatus.Ok)
                    continue;
                var rtp = packet[..plain];
                for (int s = 0; s < subscribers; s++)
                {
                    int d = publisher * subscribers + s;
                    if (!batch.TryReserve(addresses[d], out var slot))
                    {
                        Flush(batch, socket);
                        batch.TryReserve(addresses[d], out slot);
                    }
                    // The header is rewritten where it was received (the clear text is ours), and
                    // encryption writes the receiver's datagram into the slot: the one copy of the packet.
                    BinaryPrimitives.WriteUInt32BigEndian(rtp[8..], Streams.DownstreamSsrc(d, kind));
                    BinaryPrimitives.WriteUInt16BigEndian(rtp[2..], ++sequences[d * 2 + kind]);
                    batch.Commit(downstream[d].ProtectRtp(rtp, slot));
                }
            }
            Flush(batch, socket);
        }
    }

    private static void Flush(DatagramBatch batch, Socket socket)
    {
        if (batch.Flush(socket) > 0)
            Console.Error.WriteLine($"sendmmsg refused datagrams: errno {batch.LastError}");
    }
}
