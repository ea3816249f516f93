using Tessera.Media.Rtp;

namespace Tessera.Media.Testing;

/// <summary>
/// Splits compressed pictures into RTP packets the way a browser does: VP8 with its payload
/// descriptor (RFC 7741 §4.2: S bit on the first packet, partition 0), VP9 with a minimal
/// non-flexible descriptor (RFC 9628: B and E bits, P for inter pictures), the marker on each
/// picture's last packet, 90 kHz timestamps.
/// </summary>
public sealed class VideoPacketizer(string codec, uint ssrc, byte payloadType = 96, int maxPayload = 1000, int? midExtensionId = null, string? mid = null, int? ridExtensionId = null, string? rid = null)
{
    private ushort _sequence = (ushort)Random.Shared.Next();

    /// <summary>The packets of one picture shown at <paramref name="milliseconds"/>.</summary>
    public List<byte[]> Packets(ReadOnlySpan<byte> picture, long milliseconds, bool keyframe)
    {
        var packets = new List<byte[]>();
        for (int at = 0; at < picture.Length; at += maxPayload)
        {
            var chunk = picture.Slice(at, Math.Min(maxPayload, picture.Length - at));
            bool first = at == 0, last = at + chunk.Length >= picture.Length;
            byte descriptor = codec == "vp9"
                ? (byte)((keyframe ? 0 : 0x40) | (first ? 0x08 : 0) | (last ? 0x04 : 0))
                : (byte)(first ? 0x10 : 0x00);
            var builder = new RtpPacketBuilder
            {
                PayloadType = payloadType, SequenceNumber = _sequence++, Timestamp = (uint)(milliseconds * 90),
                Ssrc = ssrc, Marker = last, Payload = [descriptor, .. chunk],
            };
            if (midExtensionId is { } m && mid is not null)
                builder.Extensions.Add((m, System.Text.Encoding.ASCII.GetBytes(mid)));
            if (ridExtensionId is { } r && rid is not null)
                builder.Extensions.Add((r, System.Text.Encoding.ASCII.GetBytes(rid)));
            packets.Add(builder.ToArray());
        }
        return packets;
    }
}
