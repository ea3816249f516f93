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
internal sealed class AesGcmEncryptor : IDisposable
{
    public const int TagLength = 16;

    // Round keys in fields rather than an array: no bounds checks, and the JIT keeps them in registers.
    // Not readonly: Dispose overwrites them.
    private Vector128<byte> _k0, _k1, _k2, _k3, _k4, _k5, _k6, _k7, _k8, _k9, _k10;
    // H = E(K, 0^128) and its powers up to H^4, bytes reversed for the multiply: four blocks are
    // hashed with one reduction, (Y ^ X1)·H^4 ^ X2·H^3 ^ X3·H^2 ^ X4·H.
    private Vector128<byte> _h1, _h2, _h3, _h4;
    private bool _disposed;

    public AesGcmEncryptor(ReadOnlySpan<byte> key)
    {
        if (key.Length != 16)
            throw new ArgumentException("AES-128 takes a 16-byte key.", nameof(key));
        if (!IsSupported)
            throw new PlatformNotSupportedException("AES-NI and PCLMULQDQ are required.");
        // KeygenAssist takes its round constant as an immediate, hence one call per round.
        var k = Vector128.Create(key);
        _k0 = k;
        _k1 = k = NextRoundKey(k, X86Aes.KeygenAssist(k, 0x01));
        _k2 = k = NextRoundKey(k, X86Aes.KeygenAssist(k, 0x02));
        _k3 = k = NextRoundKey(k, X86Aes.KeygenAssist(k, 0x04));
        _k4 = k = NextRoundKey(k, X86Aes.KeygenAssist(k, 0x08));
        _k5 = k = NextRoundKey(k, X86Aes.KeygenAssist(k, 0x10));
        _k6 = k = NextRoundKey(k, X86Aes.KeygenAssist(k, 0x20));
        _k7 = k = NextRoundKey(k, X86Aes.KeygenAssist(k, 0x40));
        _k8 = k = NextRoundKey(k, X86Aes.KeygenAssist(k, 0x80));
        _k9 = k = NextRoundKey(k, X86Aes.KeygenAssist(k, 0x1B));
        _k10 = NextRoundKey(k, X86Aes.KeygenAssist(k, 0x36));
        _h1 = Reverse(EncryptBlock(Vector128<byte>.Zero));
        _h2 = Multiply(_h1, _h1);
        _h3 = Multiply(_h2, _h1);
        _h4 = Multiply(_h3, _h1);
    }

    /// <summary>
    /// Overwrites the round keys and hash subkeys, which are the session key in all but name, so they
    /// do not outlive the session in memory (earlier copies the garbage collector made may remain).
    /// </summary>
    public void Dispose()
    {
        _disposed = true;
        _k0 = _k1 = _k2 = _k3 = _k4 = _k5 = _k6 = _k7 = _k8 = _k9 = _k10 = default;
        _h1 = _h2 = _h3 = _h4 = default;
    }

    /// <summary>Whether this processor has the instructions (x86-64 with AES-NI, PCLMULQDQ, SSSE3).</summary>
    public static bool IsSupported => X86Aes.IsSupported && Pclmulqdq.IsSupported && Ssse3.IsSupported;

    /// <summary>Encrypts <paramref name="data"/> in place and writes the tag over <paramref name="associated"/> and the ciphertext.</summary>
    public void Encrypt(ReadOnlySpan<byte> iv, Span<byte> data, Span<byte> tag, ReadOnlySpan<byte> associated) =>
        Encrypt(iv, data, data, tag, associated);

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> into <paramref name="ciphertext"/> (as long; the same
    /// memory, or memory that does not overlap it) and writes the tag over <paramref name="associated"/>
    /// and the ciphertext. Writing elsewhere costs nothing more than in place: the send path encrypts
    /// straight into the datagram it sends, instead of encrypting and then copying.
    /// </summary>
    public void Encrypt(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associated)
    {
        if (ciphertext.Length != plaintext.Length)
            throw new ArgumentException("The ciphertext must be as long as the plaintext.", nameof(ciphertext));
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (iv.Length != 12)
            throw new ArgumentException("The IV must be 12 bytes.", nameof(iv));
        if (tag.Length != TagLength)
            throw new ArgumentException("The tag must be 16 bytes.", nameof(tag));
        ulong ivFirst = BinaryPrimitives.ReadUInt64LittleEndian(iv);
        uint ivLast = BinaryPrimitives.ReadUInt32LittleEndian(iv[8..]);
        var hash = HashBlocks(Vector128<byte>.Zero, associated);
        int done = EncryptAndHash(ivFirst, ivLast, plaintext, ciphertext, ref hash);
        Transform(ivFirst, ivLast, 2 + (uint)(done / 16), plaintext[done..], ciphertext[done..]);
        hash = HashBlocks(hash, ciphertext[done..]);
        var lengths = Vector128.Create(
            BinaryPrimitives.ReverseEndianness((ulong)associated.Length * 8),
            BinaryPrimitives.ReverseEndianness((ulong)ciphertext.Length * 8)).AsByte();
        hash = Multiply(hash ^ Reverse(lengths), _h1);
        // J0 (counter 1) masks the tag; the data took counters 2 onwards.
        (Reverse(hash) ^ EncryptBlock(CounterBlock(ivFirst, ivLast, 1))).CopyTo(tag);
    }

    // CTR mode from counter 2 and GHASH of what it produced, 64 bytes at a time in one loop, so that
    // the AES rounds of four blocks and the carry-less multiplies of the previous four overlap.
    // Returns how many bytes it did (whole 64-byte chunks).
    private int EncryptAndHash(ulong ivFirst, uint ivLast, ReadOnlySpan<byte> source, Span<byte> destination, ref Vector128<byte> hash)
    {
        uint counter = 2;
        int offset = 0;
        ref byte from = ref MemoryMarshal.GetReference(source);
        ref byte to = ref MemoryMarshal.GetReference(destination);
        var h = hash;
        while (source.Length - offset >= 64)
        {
            var c0 = CounterBlock(ivFirst, ivLast, counter);
            var c1 = CounterBlock(ivFirst, ivLast, counter + 1);
            var c2 = CounterBlock(ivFirst, ivLast, counter + 2);
            var c3 = CounterBlock(ivFirst, ivLast, counter + 3);
            counter += 4;
            EncryptFour(ref c0, ref c1, ref c2, ref c3);
            ref byte read = ref Unsafe.Add(ref from, offset);
            ref byte at = ref Unsafe.Add(ref to, offset);
            var x0 = Vector128.LoadUnsafe(ref read) ^ c0;
            var x1 = Vector128.LoadUnsafe(ref Unsafe.Add(ref read, 16)) ^ c1;
            var x2 = Vector128.LoadUnsafe(ref Unsafe.Add(ref read, 32)) ^ c2;
            var x3 = Vector128.LoadUnsafe(ref Unsafe.Add(ref read, 48)) ^ c3;
            x0.StoreUnsafe(ref at);
            x1.StoreUnsafe(ref Unsafe.Add(ref at, 16));
            x2.StoreUnsafe(ref Unsafe.Add(ref at, 32));
            x3.StoreUnsafe(ref Unsafe.Add(ref at, 48));
            var low = Vector128<ulong>.Zero;
            var high = Vector128<ulong>.Zero;
            MultiplyAdd(h ^ Reverse(x0), _h4, ref low, ref high);
            MultiplyAdd(Reverse(x1), _h3, ref low, ref high);
            MultiplyAdd(Reverse(x2), _h2, ref low, ref high);
            MultiplyAdd(Reverse(x3), _h1, ref low, ref high);
            h = Reduce(low, high);
            offset += 64;
        }
        hash = h;
        return offset;
    }

    // CTR mode for what is left after the whole chunks (under 64 bytes), from the given counter.
    private void Transform(ulong ivFirst, uint ivLast, uint counter, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int offset = 0;
        ref byte from = ref MemoryMarshal.GetReference(source);
        ref byte to = ref MemoryMarshal.GetReference(destination);
        Span<byte> last = stackalloc byte[16];
        while (offset < source.Length)
        {
            var stream = EncryptBlock(CounterBlock(ivFirst, ivLast, counter++));
            int n = Math.Min(16, source.Length - offset);
            if (n == 16)
            {
                (Vector128.LoadUnsafe(ref Unsafe.Add(ref from, offset)) ^ stream).StoreUnsafe(ref Unsafe.Add(ref to, offset));
            }
            else
            {
                stream.CopyTo(last);
                for (int i = 0; i < n; i++)
                    destination[offset + i] = (byte)(source[offset + i] ^ last[i]);
            }
            offset += n;
        }
    }

    // IV || counter (big-endian), built in registers.
    private static Vector128<byte> CounterBlock(ulong ivFirst, uint ivLast, uint counter) =>
        Vector128.Create(ivFirst, ivLast | ((ulong)BinaryPrimitives.ReverseEndianness(counter) << 32)).AsByte();

    // GHASH over data zero-padded to whole blocks, four blocks per reduction.
    private Vector128<byte> HashBlocks(Vector128<byte> hash, ReadOnlySpan<byte> data)
    {
        int offset = 0;
        ref byte start = ref MemoryMarshal.GetReference(data);
        while (data.Length - offset >= 64)
        {
            ref byte at = ref Unsafe.Add(ref start, offset);
            var low = Vector128<ulong>.Zero;
            var high = Vector128<ulong>.Zero;
            MultiplyAdd(hash ^ Reverse(Vector128.LoadUnsafe(ref at)), _h4, ref low, ref high);
            MultiplyAdd(Reverse(Vector128.LoadUnsafe(ref Unsafe.Add(ref at, 16))), _h3, ref low, ref high);
            MultiplyAdd(Reverse(Vector128.LoadUnsafe(ref Unsafe.Add(ref at, 32))), _h2, ref low, ref high);
            MultiplyAdd(Reverse(Vector128.LoadUnsafe(ref Unsafe.Add(ref at, 48))), _h1, ref low, ref high);
            hash = Reduce(low, high);
            offset += 64;
        }
        for (; data.Length - offset >= 16; offset += 16)
            hash = Multiply(hash ^ Reverse(Vector128.LoadUnsafe(ref Unsafe.Add(ref start, offset))), _h1);
        if (offset < data.Length)
        {
            Span<byte> last = stackalloc byte[16];
            last.Clear();
            data[offset..].CopyTo(last);
            hash = Multiply(hash ^ Reverse(Vector128.Create((ReadOnlySpan<byte>)last)), _h1);
        }
        return hash;
    }

    private Vector128<byte> EncryptBlock(Vector128<byte> block)
    {
        block ^= _k0;
        block = X86Aes.Encrypt(block, _k1);
        block = X86Aes.Encrypt(block, _k2);
        block = X86Aes.Encrypt(block, _k3);
        block = X86Aes.Encrypt(block, _k4);
        block = X86Aes.Encrypt(block, _k5);
        block = X86Aes.Encrypt(block, _k6);
        block = X86Aes.Encrypt(block, _k7);
        block = X86Aes.Encrypt(block, _k8);
        block = X86Aes.Encrypt(block, _k9);
        return X86Aes.EncryptLast(block, _k10);
    }

    private void EncryptFour(ref Vector128<byte> b0, ref Vector128<byte> b1, ref Vector128<byte> b2, ref Vector128<byte> b3)
    {
        var k = _k0;
        b0 ^= k; b1 ^= k; b2 ^= k; b3 ^= k;
        Round(ref b0, ref b1, ref b2, ref b3, _k1);
        Round(ref b0, ref b1, ref b2, ref b3, _k2);
        Round(ref b0, ref b1, ref b2, ref b3, _k3);
        Round(ref b0, ref b1, ref b2, ref b3, _k4);
        Round(ref b0, ref b1, ref b2, ref b3, _k5);
        Round(ref b0, ref b1, ref b2, ref b3, _k6);
        Round(ref b0, ref b1, ref b2, ref b3, _k7);
        Round(ref b0, ref b1, ref b2, ref b3, _k8);
        Round(ref b0, ref b1, ref b2, ref b3, _k9);
        k = _k10;
        b0 = X86Aes.EncryptLast(b0, k);
        b1 = X86Aes.EncryptLast(b1, k);
        b2 = X86Aes.EncryptLast(b2, k);
        b3 = X86Aes.EncryptLast(b3, k);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref Vector128<byte> b0, ref Vector128<byte> b1, ref Vector128<byte> b2, ref Vector128<byte> b3, Vector128<byte> k)
    {
        b0 = X86Aes.Encrypt(b0, k);
        b1 = X86Aes.Encrypt(b1, k);
        b2 = X86Aes.Encrypt(b2, k);
        b3 = X86Aes.Encrypt(b3, k);
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Reverse(Vector128<byte> block) => Ssse3.Shuffle(block, ReverseMask);

    /// <summary>The GCM product of two field elements given byte-reversed (the block's first bit is the vector's top bit).</summary>
    private static Vector128<byte> Multiply(Vector128<byte> a, Vector128<byte> b)
    {
        var low = Vector128<ulong>.Zero;
        var high = Vector128<ulong>.Zero;
        MultiplyAdd(a, b, ref low, ref high);
        return Reduce(low, high);
    }

    /// <summary>Adds the 256-bit carry-less product of a and b to high:low (products add before one reduction).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MultiplyAdd(Vector128<byte> a, Vector128<byte> b, ref Vector128<ulong> low, ref Vector128<ulong> high)
    {
        var x = a.AsUInt64();
        var y = b.AsUInt64();
        var middle = Pclmulqdq.CarrylessMultiply(x, y, 0x10) ^ Pclmulqdq.CarrylessMultiply(x, y, 0x01);
        low ^= Pclmulqdq.CarrylessMultiply(x, y, 0x00) ^ Sse2.ShiftLeftLogical128BitLane(middle.AsByte(), 8).AsUInt64();
        high ^= Pclmulqdq.CarrylessMultiply(x, y, 0x11) ^ Sse2.ShiftRightLogical128BitLane(middle.AsByte(), 8).AsUInt64();
    }

    /// <summary>
    /// Shifts the 256-bit high:low left once (GCM's reflected bit order) and reduces it modulo
    /// x^128 + x^7 + x^2 + x + 1.
    /// </summary>
    private static Vector128<byte> Reduce(Vector128<ulong> low, Vector128<ulong> high)
    {
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

        // Fold the low half into the high half by the field polynomial.
        var first = Sse2.ShiftLeftLogical(lowWords, 31) ^ Sse2.ShiftLeftLogical(lowWords, 30) ^ Sse2.ShiftLeftLogical(lowWords, 25);
        var spill = Sse2.ShiftRightLogical128BitLane(first.AsByte(), 4).AsUInt32();
        lowWords ^= Sse2.ShiftLeftLogical128BitLane(first.AsByte(), 12).AsUInt32();
        var second = Sse2.ShiftRightLogical(lowWords, 1) ^ Sse2.ShiftRightLogical(lowWords, 2) ^ Sse2.ShiftRightLogical(lowWords, 7) ^ spill;
        return (highWords ^ lowWords ^ second).AsByte();
    }
}
