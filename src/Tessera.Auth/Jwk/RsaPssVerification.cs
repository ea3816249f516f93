using System.Security.Cryptography;
using Org.BouncyCastle.Math;

namespace Tessera.Auth.Jwk;

/// <summary>
/// RSASSA-PSS verification (RFC 8017 §8.1.2 and §9.1.2, MGF1 with the message hash) that recovers
/// the salt length from the encoded message instead of insisting on salt length = hash length.
/// JOSE signers use the hash length, but other conforming signers (HSMs, NIST test vectors) use
/// other lengths, and the framework's verifier refuses those. Only public data is handled here,
/// so plain big-integer arithmetic is acceptable (BouncyCastle's, which is several times faster
/// than System.Numerics for modular exponentiation).
/// </summary>
internal static class RsaPssVerification
{
    public static bool Verify(BigInteger modulus, BigInteger exponent, int modulusBits, HashAlgorithmName hash,
                              ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        var k = (modulusBits + 7) / 8;
        if (signature.Length != k) return false;
        var s = new BigInteger(1, signature.ToArray());
        if (s.CompareTo(modulus) >= 0) return false;
        var m = s.ModPow(exponent, modulus);

        var emBits = modulusBits - 1;
        var emLen = (emBits + 7) / 8;
        var em = new byte[emLen];
        var mBytes = m.ToByteArrayUnsigned();
        if (mBytes.Length > emLen) return false;
        mBytes.CopyTo(em, emLen - mBytes.Length);

        var mHash = CryptographicOperations.HashData(hash, message);
        var hLen = mHash.Length;
        if (emLen < hLen + 2 || em[^1] != 0xbc) return false;

        var dbLen = emLen - hLen - 1;
        var h = em.AsSpan(dbLen, hLen);
        var unusedBits = 8 * emLen - emBits;
        var topMask = (byte)(0xff >> unusedBits);
        if ((em[0] & ~topMask) != 0) return false;

        var db = Mgf1(hash, h, dbLen);
        for (var i = 0; i < dbLen; i++) db[i] ^= em[i];
        db[0] &= topMask;

        var separator = 0;
        while (separator < dbLen && db[separator] == 0) separator++;
        if (separator == dbLen || db[separator] != 0x01) return false;
        var salt = db.AsSpan(separator + 1);

        var mPrime = new byte[8 + hLen + salt.Length];
        mHash.CopyTo(mPrime, 8);
        salt.CopyTo(mPrime.AsSpan(8 + hLen));
        return CryptographicOperations.FixedTimeEquals(CryptographicOperations.HashData(hash, mPrime), h);
    }

    private static byte[] Mgf1(HashAlgorithmName hash, ReadOnlySpan<byte> seed, int length)
    {
        var output = new byte[length];
        var input = new byte[seed.Length + 4];
        seed.CopyTo(input);
        var written = 0;
        for (uint counter = 0; written < length; counter++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(input.AsSpan(seed.Length), counter);
            var block = CryptographicOperations.HashData(hash, input);
            var take = Math.Min(block.Length, length - written);
            block.AsSpan(0, take).CopyTo(output.AsSpan(written));
            written += take;
        }
        return output;
    }
}
