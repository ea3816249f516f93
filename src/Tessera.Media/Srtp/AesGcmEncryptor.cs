using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace Tessera.Media.Srtp;

/// <summary>
/// AES-128-GCM encryption (NIST SP 800-38D) with a 16-byte tag and a 12-byte IV, on the processor's
/// AES and carry-less multiply instructions. It exists for the send path only: every forwarded packet is
/// protected once per receiver, and .NET's <see cref="System.Security.Cryptography.AesGcm"/> spends
/// more per call in OpenSSL's set-up (parameter lookups, error-queue clearing, allocations) than in
/// the cipher for a 1,100-byte packet. Decryption, with its tag check, stays with .NET's class.
/// Both instructions run in constant time. Read-only after construction, so thread-safe.
/// </summary>
internal sealed class AesGcmEncryptor
{
    public const int TagLength = 16;
    private const int Rounds = 10;

    private readonly Vector128<byte>[] _roundKeys = new Vector128<byte>[Rounds + 1];
    private readonly Vector128<byte> _hashKey; // H = E(K, 0^128), bytes reversed for the multiply

    public AesGcmEncryptor(ReadOnlySpan<byte> key)
    {
        if (key.Length != 16)
            throw new ArgumentException("AES-128 takes a 16-byte key.", nameof(key));
        if (!IsSupported)
            throw new PlatformNotSupportedException("AES-NI and PCLMULQDQ are required.");
        ExpandKey(Vector128.Create(key), _roundKeys);
        _hashKey = Reverse(EncryptBlock(Vector128<byte>.Zero));
    }

    /// <summary>Whether this processor has the instructions (x86-64 with AES-NI, PCLMULQDQ, SSSE3).</summary>
    public static bool IsSupported => X86Aes.IsSupported && Pclmulqdq.IsSupported && Ssse3.IsSupported;

    /// <summary>Encrypts <paramref name="data"/> in place and writes the tag over <paramref name="associated"/> and the ciphertext.</summary>
    public void Encrypt(ReadOnlySpan<byte> iv, Span<byte> data, Span<byte> tag, ReadOnlySpan<byte> associated)
    {
        if (iv.Length != 12)
            throw new ArgumentException("The IV must be 12 bytes.", nameof(iv));
        if (tag.Length != TagLength)
            throw new ArgumentException("The tag must be 16 bytes.", nameof(tag));
        Span<byte> block = stackalloc byte[16];
        iv.CopyTo(block);
        BinaryPrimitives.WriteUInt32BigEndian(block[12..], 1);
        var firstCounter = Vector128.Create((ReadOnlySpan<byte>)block); // J0: its encryption masks the tag
        var hash = Vector128<byte>.Zero;
        hash = HashBlocks(hash, associated);
        Transform(iv, data);
        hash = HashBlocks(hash, data);
        var lengths = Vector128.Create(
            BinaryPrimitives.ReverseEndianness((ulong)associated.Length * 8),
            BinaryPrimitives.ReverseEndianness((ulong)data.Length * 8)).AsByte();
        hash = Multiply(hash ^ Reverse(lengths), _hashKey);
        (Reverse(hash) ^ EncryptBlock(firstCounter)).CopyTo(tag);
    }

    // CTR mode from counter 2, four blocks at a time so that the AES units overlap their latency.
    private void Transform(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        Span<byte> counterBlock = stackalloc byte[16];
        Span<byte> last = stackalloc byte[16];
        iv.CopyTo(counterBlock);
        uint counter = 2;
        int offset = 0;
        ref byte start = ref MemoryMarshal.GetReference(data);
        while (data.Length - offset >= 64)
        {
            var c0 = CounterBlock(counterBlock, counter);
            var c1 = CounterBlock(counterBlock, counter + 1);
            var c2 = CounterBlock(counterBlock, counter + 2);
            var c3 = CounterBlock(counterBlock, counter + 3);
            counter += 4;
            EncryptFour(ref c0, ref c1, ref c2, ref c3);
            ref byte at = ref Unsafe.Add(ref start, offset);
            Xor(ref at, c0);
            Xor(ref Unsafe.Add(ref at, 16), c1);
            Xor(ref Unsafe.Add(ref at, 32), c2);
            Xor(ref Unsafe.Add(ref at, 48), c3);
            offset += 64;
        }
        while (offset < data.Length)
        {
            var stream = EncryptBlock(CounterBlock(counterBlock, counter++));
            int n = Math.Min(16, data.Length - offset);
            if (n == 16)
            {
                Xor(ref Unsafe.Add(ref start, offset), stream);
            }
            else
            {
                stream.CopyTo(last);
                for (int i = 0; i < n; i++)
                    data[offset + i] ^= last[i];
            }
            offset += n;
        }
    }

    private static Vector128<byte> CounterBlock(Span<byte> block, uint counter)
    {
        BinaryPrimitives.WriteUInt32BigEndian(block[12..], counter);
        return Vector128.Create((ReadOnlySpan<byte>)block);
    }

    private static void Xor(ref byte at, Vector128<byte> stream) =>
        (Vector128.LoadUnsafe(ref at) ^ stream).StoreUnsafe(ref at);

    // GHASH over data zero-padded to whole blocks.
    private Vector128<byte> HashBlocks(Vector128<byte> hash, ReadOnlySpan<byte> data)
    {
        int offset = 0;
        for (; data.Length - offset >= 16; offset += 16)
            hash = Multiply(hash ^ Reverse(Vector128.Create(data.Slice(offset, 16))), _hashKey);
        if (offset < data.Length)
        {
            Span<byte> last = stackalloc byte[16];
            last.Clear();
            data[offset..].CopyTo(last);
            hash = Multiply(hash ^ Reverse(Vector128.Create((ReadOnlySpan<byte>)last)), _hashKey);
        }
        return hash;
    }

    private Vector128<byte> EncryptBlock(Vector128<byte> block)
    {
        var keys = _roundKeys;
        block ^= keys[0];
        for (int i = 1; i < Rounds; i++)
            block = X86Aes.Encrypt(block, keys[i]);
        return X86Aes.EncryptLast(block, keys[Rounds]);
    }

    private void EncryptFour(ref Vector128<byte> b0, ref Vector128<byte> b1, ref Vector128<byte> b2, ref Vector128<byte> b3)
    {
        var keys = _roundKeys;
        var k = keys[0];
        b0 ^= k; b1 ^= k; b2 ^= k; b3 ^= k;
        for (int i = 1; i < Rounds; i++)
        {
            k = keys[i];
            b0 = X86Aes.Encrypt(b0, k);
            b1 = X86Aes.Encrypt(b1, k);
            b2 = X86Aes.Encrypt(b2, k);
            b3 = X86Aes.Encrypt(b3, k);
        }
        k = keys[Rounds];
        b0 = X86Aes.EncryptLast(b0, k);
        b1 = X86Aes.EncryptLast(b1, k);
        b2 = X86Aes.EncryptLast(b2, k);
        b3 = X86Aes.EncryptLast(b3, k);
    }

    private static void ExpandKey(Vector128<byte> key, Vector128<byte>[] keys)
    {
        // KeygenAssist takes its round constant as an immediate, hence one call per round.
        keys[0] = key;
        keys[1] = key = NextRoundKey(key, X86Aes.KeygenAssist(key, 0x01));
        keys[2] = key = NextRoundKey(key, X86Aes.KeygenAssist(key, 0x02));
        keys[3] = key = NextRoundKey(key, X86Aes.KeygenAssist(key, 0x04));
        keys[4] = key = NextRoundKey(key, X86Aes.KeygenAssist(key, 0x08));
        keys[5] = key = NextRoundKey(key, X86Aes.KeygenAssist(key, 0x10));
        keys[6] = key = NextRoundKey(key, X86Aes.KeygenAssist(key, 0x20));
        keys[7] = key = NextRoundKey(key, X86Aes.KeygenAssist(key, 0x40));
        keys[8] = key = NextRoundKey(key, X86Aes.KeygenAssist(key, 0x80));
        keys[9] = key = NextRoundKey(key, X86Aes.KeygenAssist(key, 0x1B));
        keys[10] = NextRoundKey(key, X86Aes.KeygenAssist(key, 0x36));
    }

    // Each word of the next key is the previous word of it XOR the same word of the previous key;
    // the first also takes RotWord(SubWord(last word)) XOR rcon, which KeygenAssist put in word 3.
    private static Vector128<byte> NextRoundKey(Vector128<byte> key, Vector128<byte> assist)
    {
        var spread = Sse2.Shuffle(assist.AsUInt32(), 0xFF).AsByte();
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        return key ^ spread;
    }

    private static readonly Vector128<byte> ReverseMask = Vector128.Create((byte)15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);

    private static Vector128<byte> Reverse(Vector128<byte> block) => Ssse3.Shuffle(block, ReverseMask);

    /// <summary>
    /// The GCM product of two field elements given byte-reversed (so the block's first bit is the
    /// vector's top bit): a 256-bit carry-less product, shifted left once for GCM's reflected bit order,
    /// then reduced modulo x^128 + x^7 + x^2 + x + 1.
    /// </summary>
    private static Vector128<byte> Multiply(Vector128<byte> a, Vector128<byte> b)
    {
        var x = a.AsUInt64();
        var y = b.AsUInt64();
        var low = Pclmulqdq.CarrylessMultiply(x, y, 0x00);
        var high = Pclmulqdq.CarrylessMultiply(x, y, 0x11);
        var middle = Pclmulqdq.CarrylessMultiply(x, y, 0x10) ^ Pclmulqdq.CarrylessMultiply(x, y, 0x01);
        low ^= Sse2.ShiftLeftLogical128BitLane(middle.AsByte(), 8).AsUInt64();
        high ^= Sse2.ShiftRightLogical128BitLane(middle.AsByte(), 8).AsUInt64();

        // Shift the 256-bit high:low left by one bit.
        var lowWords = low.AsUInt32();
        var highWords = high.AsUInt32();
        var lowCarry = Sse2.ShiftRightLogical(lowWords, 31);
        var highCarry = Sse2.ShiftRightLogical(highWords, 31);
        lowWords = Sse2.ShiftLeftLogical(lowWords, 1);
        highWords = Sse2.ShiftLeftLogical(highWords, 1);
        var acrossHalves = Sse2.ShiftRightLogical128BitLane(lowCarry.AsByte(), 12).AsUInt32();
        highCarry = Sse2.ShiftLeftLogical128BitLane(highCarry.AsByte(), 4).AsUInt32();
        lowCarry = Sse2.ShiftLeftLogical128BitLane(lowCarry.AsByte(), 4).AsUInt32();
        lowWords |= lowCarry;
        highWords |= highCarry | acrossHalves;

        // Reduce: fold the low half into the high half by the field polynomial.
        var first = Sse2.ShiftLeftLogical(lowWords, 31) ^ Sse2.ShiftLeftLogical(lowWords, 30) ^ Sse2.ShiftLeftLogical(lowWords, 25);
        var spill = Sse2.ShiftRightLogical128BitLane(first.AsByte(), 4).AsUInt32();
        lowWords ^= Sse2.ShiftLeftLogical128BitLane(first.AsByte(), 12).AsUInt32();
        var second = Sse2.ShiftRightLogical(lowWords, 1) ^ Sse2.ShiftRightLogical(lowWords, 2) ^ Sse2.ShiftRightLogical(lowWords, 7) ^ spill;
        return (highWords ^ lowWords ^ second).AsByte();
    }
}
