namespace Tessera.Media.Srtp;

/// <summary>
/// The SRTP key derivation function (RFC 3711 §4.3) with a key derivation rate of zero, as DTLS-SRTP
/// uses: the session key for a label is the AES-CM keystream under the master key starting from
/// IV = (master_salt XOR (label || 0^48)) * 2^16. A 12-byte (GCM) master salt is left-aligned and
/// zero-padded to 14 bytes (RFC 7714 §11).
/// </summary>
public static class SrtpKeyDerivation
{
    public static byte[] Derive(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, byte label, int length)
    {
        if (masterSalt.Length > 14)
            throw new ArgumentException("Master salt is at most 14 bytes.", nameof(masterSalt));
        Span<byte> iv = stackalloc byte[16];
        iv.Clear();
        masterSalt.CopyTo(iv);
        iv[7] ^= label;
        var output = new byte[length];
        using var ctr = new AesCounterMode(masterKey);
        ctr.GenerateKeystream(iv, output);
        return output;
    }
}
