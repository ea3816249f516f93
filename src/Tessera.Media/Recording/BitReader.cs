namespace Tessera.Media.Recording;

/// <summary>Reads most-significant-bit-first fields of a codec header; past the end it reads zeros and says so.</summary>
internal ref struct BitReader(ReadOnlySpan<byte> bytes)
{
    private readonly ReadOnlySpan<byte> _bytes = bytes;
    private int _bit;

    public bool Overrun { get; private set; }

    /// <summary>An unsigned field of up to 32 bits.</summary>
    public uint Read(int count)
    {
        uint value = 0;
        for (int i = 0; i < count; i++, _bit++)
        {
            if (_bit / 8 >= _bytes.Length)
            {
                Overrun = true;
                return 0;
            }
            value = (value << 1) | (uint)((_bytes[_bit / 8] >> (7 - _bit % 8)) & 1);
        }
        return value;
    }

    public int ReadInt(int count) => (int)Read(count);

    public bool Flag() => Read(1) == 1;

    /// <summary>H.264's ue(v): leading zeros, a one, then as many bits again (at most 32 bits of value).</summary>
    public uint ReadExpGolomb()
    {
        int zeros = 0;
        while (!Overrun && Read(1) == 0)
            zeros++;
        if (zeros > 31)
        {
            Overrun = true; // no field of a parameter set is that long: treat as malformed
            return 0;
        }
        return (uint)((1UL << zeros) - 1 + Read(zeros));
    }

    /// <summary>H.264's se(v): ue(v) mapped to 0, 1, -1, 2, -2…</summary>
    public long ReadSignedExpGolomb()
    {
        uint k = ReadExpGolomb();
        return (k & 1) != 0 ? (k + 1L) / 2 : -(long)(k / 2);
    }

    /// <summary>AV1's uvlc(): leading zeros, a one, then as many bits again.</summary>
    public void SkipUvlc()
    {
        int zeros = 0;
        while (!Overrun && Read(1) == 0)
            zeros++;
        if (zeros < 32)
            Read(zeros);
    }
}
