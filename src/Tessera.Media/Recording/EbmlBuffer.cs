using System.Buffers.Binary;
using System.Text;

namespace Tessera.Media.Recording;

/// <summary>
/// A growable byte buffer that appends EBML elements (RFC 8794): an element is its ID, its data
/// size as a variable-length integer, then its data. Masters are built in a child buffer and
/// appended whole, so every size is known when written — a file stopped at any cluster boundary
/// still parses.
/// </summary>
public sealed class EbmlBuffer
{
    private byte[] _bytes;

    public EbmlBuffer(int capacity = 256) => _bytes = new byte[Math.Max(16, capacity)];

    public int Length { get; private set; }
    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, Length);

    public void Clear() => Length = 0;

    /// <summary>An element ID as it is written: the ID's own bytes, marker bits included (0x1A45DFA3 is four bytes).</summary>
    public void Id(uint id)
    {
        int length = id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1;
        var span = Reserve(length);
        for (int i = length - 1; i >= 0; i--, id >>= 8)
            span[i] = (byte)id;
    }

    /// <summary>A data size in the shortest variable-length form (RFC 8794 §4), or in <paramref name="width"/> bytes.</summary>
    public void Size(long size, int width = 0)
    {
        if (size < 0)
            throw new ArgumentOutOfRangeException(nameof(size));
        if (width == 0)
            width = SizeWidth(size);
        var span = Reserve(width);
        WriteSize(span, size, width);
    }

    /// <summary>Bytes needed for <paramref name="size"/>; all-ones values are reserved for "unknown".</summary>
    public static int SizeWidth(long size)
    {
        for (int width = 1; width <= 8; width++)
            if (size < (1L << (7 * width)) - 1)
                return width;
        throw new ArgumentOutOfRangeException(nameof(size));
    }

    /// <summary>Writes <paramref name="size"/> as a <paramref name="width"/>-byte variable-length integer.</summary>
    public static void WriteSize(Span<byte> target, long size, int width)
    {
        ulong value = (ulong)size | (1UL << (7 * width));
        for (int i = width - 1; i >= 0; i--, value >>= 8)
            target[i] = (byte)value;
    }

    public void UInt(uint id, ulong value)
    {
        int length = 1;
        while (length < 8 && value >> (8 * length) != 0)
            length++;
        Id(id);
        Size(length);
        var span = Reserve(length);
        for (int i = length - 1; i >= 0; i--, value >>= 8)
            span[i] = (byte)value;
    }

    /// <summary>An 8-byte float (a Duration written this way can be patched in place later).</summary>
    public void Float(uint id, double value)
    {
        Id(id);
        Size(8);
        BinaryPrimitives.WriteDoubleBigEndian(Reserve(8), value);
    }

    public void String(uint id, string value)
    {
        Id(id);
        int length = Encoding.UTF8.GetByteCount(value);
        Size(length);
        Encoding.UTF8.GetBytes(value, Reserve(length));
    }

    public void Binary(uint id, ReadOnlySpan<byte> value)
    {
        Id(id);
        Size(value.Length);
        value.CopyTo(Reserve(value.Length));
    }

    /// <summary>A master element whose children are already in <paramref name="children"/>.</summary>
    public void Master(uint id, EbmlBuffer children) => Binary(id, children.Written);

    /// <summary>A master element whose children <paramref name="write"/> appends.</summary>
    public void Master(uint id, Action<EbmlBuffer> write)
    {
        var children = new EbmlBuffer();
        write(children);
        Master(id, children);
    }

    /// <summary>A Void element taking exactly <paramref name="total"/> bytes (at least 2), to be overwritten later.</summary>
    public void Void(int total)
    {
        if (total < 2)
            throw new ArgumentOutOfRangeException(nameof(total));
        Id(MatroskaIds.Void);
        int width = total - 1 - 1 < 127 ? 1 : 8;
        Size(total - 1 - width, width);
        Reserve(total - 1 - width).Clear();
    }

    public void Raw(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    /// <summary>Room for <paramref name="length"/> more bytes at the end, counted as written.</summary>
    public Span<byte> Reserve(int length)
    {
        if (Length + length > _bytes.Length)
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + length));
        var span = _bytes.AsSpan(Length, length);
        Length += length;
        return span;
    }
}
