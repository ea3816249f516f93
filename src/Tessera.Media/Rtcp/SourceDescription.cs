using System.Buffers.Binary;
using System.Text;

namespace Tessera.Media.Rtcp;

/// <summary>SDES (RFC 3550 §6.5): chunks of items per SSRC; item type 1 is CNAME.</summary>
public sealed class SourceDescription : RtcpPacket
{
    public const byte CnameItem = 1;

    public sealed record Chunk(uint Ssrc, List<(byte Type, string Text)> Items);

    public List<Chunk> Chunks { get; init; } = new();

    private static int ChunkLength(Chunk c)
    {
        int n = 4;
        foreach (var (_, text) in c.Items)
            n += 2 + Math.Min(255, Encoding.UTF8.GetByteCount(text));
        n += 1; // terminating null item
        return (n + 3) & ~3;
    }

    public override int Length => 4 + Chunks.Sum(ChunkLength);

    public override void Write(Span<byte> d)
    {
        WriteHeader(d, Chunks.Count, RtcpPacketType.SourceDescription);
        int at = 4;
        foreach (var c in Chunks)
        {
            int start = at;
            BinaryPrimitives.WriteUInt32BigEndian(d[at..], c.Ssrc);
            at += 4;
            foreach (var (type, text) in c.Items)
            {
                byte[] bytes = Encoding.UTF8.GetBytes(text);
                int len = Math.Min(255, bytes.Length);
                d[at++] = type;
                d[at++] = (byte)len;
                bytes.AsSpan(0, len).CopyTo(d[at..]);
                at += len;
            }
            int end = start + ChunkLength(c);
            d[at..end].Clear();
            at = end;
        }
    }

    internal static SourceDescription? Read(ReadOnlySpan<byte> p, int count)
    {
        var chunks = new List<Chunk>(count);
        int at = 4;
        for (int i = 0; i < count; i++)
        {
            if (at + 4 > p.Length)
                return null;
            uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(p[at..]);
            at += 4;
            var items = new List<(byte, string)>();
            while (true)
            {
                if (at >= p.Length)
                    return null;
                byte type = p[at];
                if (type == 0)
                {
                    at = (at + 4) & ~3; // skip null octets to the next word boundary
                    break;
                }
                if (at + 2 > p.Length || at + 2 + p[at + 1] > p.Length)
                    return null;
                int len = p[at + 1];
                items.Add((type, Encoding.UTF8.GetString(p.Slice(at + 2, len))));
                at += 2 + len;
            }
            chunks.Add(new Chunk(ssrc, items));
        }
        return new SourceDescription { Chunks = chunks };
    }
}
