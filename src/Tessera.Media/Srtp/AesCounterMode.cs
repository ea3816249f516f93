using System.Numerics;
using System.Security.Cryptography;

namespace Tessera.Media.Srtp;

/// <summary>
/// AES in counter mode as SRTP uses it (RFC 3711 §4.1.1): block j of keystream is AES_k(IV + j),
/// where only the low 16 bits of the IV are incremented. All counter blocks of a packet are
/// encrypted in one ECB call over a reusable scratch buffer: no allocation per packet.
/// Not thread-safe: one instance per direction and per caller.
/// </summary>
internal sealed class AesCounterMode : IDisposable
{
    private readonly Aes _aes;
    // A kept ECB encryptor reuses one native cipher context; Aes.EncryptEcb would create one per call.
    private readonly ICryptoTransform _ecb;
    private byte[] _scratch = new byte[4096];

    public AesCounterMode(ReadOnlySpan<byte> key)
    {
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _ecb = _aes.CreateEncryptor();
    }

    /// <summary>Writes keystream for <paramref name="output"/>.Length bytes starting at counter block <paramref name="iv"/>.</summary>
    public void GenerateKeystream(ReadOnlySpan<byte> iv, Span<byte> output)
    {
        if (output.IsEmpty)
            return;
        FillKeystream(iv, output.Length)[..output.Length].CopyTo(output);
    }

    /// <summary>XORs keystream starting at <paramref name="iv"/> into <paramref name="data"/> in place.</summary>
    public void Transform(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        if (data.IsEmpty)
            return;
        Xor(data, FillKeystream(iv, data.Length));
    }

    private ReadOnlySpan<byte> FillKeystream(ReadOnlySpan<byte> iv, int length)
    {
        int blocks = (length + 15) / 16;
        int bytes = blocks * 16;
        if (_scratch.Length < bytes * 2)
            _scratch = new byte[bytes * 2];
        Span<byte> counters = _scratch.AsSpan(0, bytes);
        ushort low = (ushort)((iv[14] << 8) | iv[15]);
        for (int j = 0; j < blocks; j++)
        {
            Span<byte> block = counters.Slice(j * 16, 16);
            iv[..14].CopyTo(block);
            ushort counter = (ushort)(low + j);
            block[14] = (byte)(counter >> 8);
            block[15] = (byte)counter;
        }
        _ecb.TransformBlock(_scratch, 0, bytes, _scratch, bytes);
        return _scratch.AsSpan(bytes, bytes);
    }

    private static void Xor(Span<byte> data, ReadOnlySpan<byte> stream)
    {
        int i = 0;
        int width = Vector<byte>.Count;
        for (; i + width <= data.Length; i += width)
        {
            var v = new Vector<byte>(data[i..]) ^ new Vector<byte>(stream[i..]);
            v.CopyTo(data[i..]);
        }
        for (; i < data.Length; i++)
            data[i] ^= stream[i];
    }

    public void Dispose()
    {
        _ecb.Dispose();
        _aes.Dispose();
    }
}
