using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace Tessera.Auth.Jwk;

/// <summary>Pure Ed25519 (RFC 8037) through BouncyCastle; the framework has no Ed25519.</summary>
internal sealed class Ed25519KeyMaterial(Ed25519PublicKeyParameters publicKey, Ed25519PrivateKeyParameters? privateKey)
    : KeyMaterial
{
    public override bool IsPrivate => privateKey is not null;

    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != Ed25519.SignatureSize) return false;
        return publicKey.Verify(Ed25519.Algorithm.Ed25519, null, data, signature);
    }

    public override byte[] Sign(ReadOnlySpan<byte> data)
    {
        var signature = new byte[Ed25519.SignatureSize];
        privateKey!.Sign(Ed25519.Algorithm.Ed25519, null, data, signature);
        return signature;
    }
}
