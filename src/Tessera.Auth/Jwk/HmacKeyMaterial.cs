using System.Security.Cryptography;

namespace Tessera.Auth.Jwk;

internal sealed class HmacKeyMaterial(JwsAlgorithm algorithm, byte[] key) : KeyMaterial
{
    // A shared secret is both the signing and the verification key.
    public override bool IsPrivate => true;

    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        Span<byte> mac = stackalloc byte[64];
        var length = Compute(data, mac);
        return signature.Length == length && CryptographicOperations.FixedTimeEquals(mac[..length], signature);
    }

    public override byte[] Sign(ReadOnlySpan<byte> data)
    {
        Span<byte> mac = stackalloc byte[64];
        return mac[..Compute(data, mac)].ToArray();
    }

    private int Compute(ReadOnlySpan<byte> data, Span<byte> destination) => algorithm.Hash.Name switch
    {
        "SHA256" => HMACSHA256.HashData(key, data, destination),
        "SHA384" => HMACSHA384.HashData(key, data, destination),
        "SHA512" => HMACSHA512.HashData(key, data, destination),
        _ => throw new CryptographicException($"no HMAC for {algorithm}"),
    };
}
