using Tessera.Media.Rtp;

namespace Tessera.Media.Testing;

/// <summary>
/// Splits compressed pictures into RTP packets the way a browser does: VP8 with its payload
/// descriptor (RFC 7741 §4.2: S bit on the first packet, partition 0), VP9 with a minimal
/// non-flexible descriptor (RFC 9628: B and E bits, P for inter pictures), the marker on each
/// picture's last packet, 90 kHz timestamps. AV1 as its RTP payload format says: temporal
/// delimiters dropped, OBUs without their size fields, packed into packets behind an aggregation
/// header and split across packets where they do not fit. H.264 as RFC 6184 says (single NAL
/// units, STAP-A, FU-A).
/// </summary>
public sealed class VideoPacketizer(string codec, uint ssrc, byte payloadType = 96, int maxPayload = 1000, int? midExtensionId = null, string? mid = null, int? ridExtensionId = null, string? rid = null)
{
    private ushort _sequence = (ushort)Random.Shared.Next();

    /// <summary>AV1: count the OBU elements in the aggregation header (W=1..3, the last element unprefixed) where they fit in it; otherwise W=0.</summary>
    public bool Av1CountElements { get; init; } = true;

    /// <summary>The packets of one picture shown at <paramref name="milliseconds"/>.</summary>
    public List<byte[]> Packets(ReadOnlySpan<byte> picture, long milliseconds, bool keyframe)
    {
        if (codec == "av1")
            return Av1Packets(picture, milliseconds, keyframe);
        if (codec == "h264")
            return H264Packets(picture, milliseconds);
        var packets = new List<byte[]>();
        for (int at = 0; at < picture.Length; at += maxPayload)
        {
            var chunk = picture.Slice(at, Math.Min(maxPayload, picture.Length - at));
            bool first = at == 0, last = at + chunk.Length >= picture.Length;
            byte descriptor = codec == "vp9"
                ? (byte)((keyframe ? 0 : 0x40) | (first ? 0x08 : 0) | (last ? 0x04 : 0))
                : (byte)(first ? 0x10 : 0x00);
            packets.Add(Packet([descriptor, .. chunk], milliseconds, last));
        }
        return packets;
    }

    private byte[] Packet(byte[] payload, long milliseconds, bool last)
    {
        var builder = new RtpPacketBuilder
        {
            PayloadType = payloadType, SequenceNumber = _sequence++, Timestamp = (uint)(milliseconds * 90),
            Ssrc = ssrc, Marker = last, Payload = payload,
        };
        if (midExtensionId is { } m && mid is not null)
            builder.Extensions.Add((m, System.Text.Encoding.ASCII.GetBytes(mid)));
        if (ridExtensionId is { } r && rid is not null)
            builder.Extensions.Add((r, System.Text.Encoding.ASCII.GetBytes(rid)));
        return builder.ToArray();
    }

    private List<byte[]> Av1Packets(ReadOnlySpan<byte> unit, long milliseconds, bool keyframe)
    {
        var elements = new List<byte[]>();
        for (int at = 0; at < unit.Length;)
        {
            int header = (unit[at] & 0x04) != 0 ? 2 : 1;
            int size = 0, shift = 0, i = at + header;
            for (; (unit[i] & 0x80) != 0; i++, shift += 7)
                size |= (unit[i] & 0x7F) << shift;
            size |= unit[i] << shift;
            if (((unit[at] >> 3) & 0x0F) != 2) // temporal delimiters are not sent
            {
                byte[] element = [(byte)(unit[at] & ~0x02), .. unit.Slice(at + 1, header - 1), .. unit.Slice(i + 1, size)];
                elements.Add(element);
            }
            at = i + 1 + size;
        }
        var payloads = new List<byte[]>();
        int index = 0, offset = 0;
        while (index < elements.Count)
        {
            bool continues = offset > 0;
            var pieces = new List<byte[]>();
            int room = maxPayload - 1;
            while (index < elements.Count)
            {
                int remaining = elements[index].Length - offset;
                int prefix = Leb128(remaining).Length;
                if (room <= prefix)
                    break;
                int take = Math.Min(remaining, room - prefix);
                pieces.Add(elements[index][offset..(offset + take)]);
                room -= prefix + take;
                offset += take;
                if (offset < elements[index].Length)
                    break;
                index++;
                offset = 0;
            }
            int count = Av1CountElements && pieces.Count <= 3 ? pieces.Count : 0;
            byte aggregation = (byte)((continues ? 0x80 : 0) | (offset > 0 ? 0x40 : 0) | (count << 4)
                                      | (keyframe && payloads.Count == 0 ? 0x08 : 0));
            var payload = new List<byte> { aggregation };
            for (int p = 0; p < pieces.Count; p++)
            {
                if (count == 0 || p < count - 1)
                    payload.AddRange(Leb128(pieces[p].Length));
                payload.AddRange(pieces[p]);
            }
            payloads.Add([.. payload]);
        }
        return payloads.Select((payload, n) => Packet(payload, milliseconds, last: n == payloads.Count - 1)).ToList();
    }

    /// <summary>Kinds of H.264 packet made so far: single NAL units, STAP-As and FU-A fragments.</summary>
    public (int Single, int StapA, int FuA) H264PacketKinds { get; private set; }

    /// <summary>
    /// H.264 (RFC 6184, packetization-mode 1) from an Annex B access unit: access unit delimiters
    /// dropped, NAL units that fit together aggregated into a STAP-A, one that does not fit in a
    /// packet split into FU-As, any other sent alone.
    /// </summary>
    private List<byte[]> H264Packets(ReadOnlySpan<byte> unit, long milliseconds)
    {
        var nals = new List<byte[]>();
        foreach (var (start, length) in AnnexB.NalUnits(unit))
            if ((unit[start] & 0x1F) != 9)
                nals.Add(unit.Slice(start, length).ToArray());
        var payloads = new List<byte[]>();
        for (int n = 0; n < nals.Count;)
        {
            var nal = nals[n];
            if (nal.Length > maxPayload)
            {
                for (int at = 1; at < nal.Length;)
                {
                    int take = Math.Min(maxPayload - 2, nal.Length - at);
                    byte header = (byte)((at == 1 ? 0x80 : 0) | (at + take == nal.Length ? 0x40 : 0) | (nal[0] & 0x1F));
                    payloads.Add([(byte)((nal[0] & 0xE0) | 28), header, .. nal.AsSpan(at, take)]);
                    H264PacketKinds = H264PacketKinds with { FuA = H264PacketKinds.FuA + 1 };
                    at += take;
                }
                n++;
                continue;
            }
            int together = 0, size = 1;
            while (n + together < nals.Count && size + 2 + nals[n + together].Length <= maxPayload)
                size += 2 + nals[n + together++].Length;
            if (together < 2)
            {
                payloads.Add(nal);
                H264PacketKinds = H264PacketKinds with { Single = H264PacketKinds.Single + 1 };
                n++;
                continue;
            }
            var stap = new List<byte> { (byte)(nals.Skip(n).Take(together).Max(x => x[0] & 0x60) | 24) };
            foreach (var part in nals.Skip(n).Take(together))
            {
                stap.Add((byte)(part.Length >> 8));
                stap.Add((byte)part.Length);
                stap.AddRange(part);
            }
            payloads.Add([.. stap]);
            H264PacketKinds = H264PacketKinds with { StapA = H264PacketKinds.StapA + 1 };
            n += together;
        }
        return payloads.Select((payload, i) => Packet(payload, milliseconds, last: i == payloads.Count - 1)).ToList();
    }

    private static byte[] Leb128(int value)
    {
        var bytes = new List<byte>();
        do
        {
            bytes.Add((byte)((value & 0x7F) | (value > 0x7F ? 0x80 : 0)));
            value >>= 7;
        }
        while (value != 0);
        return [.. bytes];
    }
}
