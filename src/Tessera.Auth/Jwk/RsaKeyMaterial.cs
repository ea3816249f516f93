using System.Security.Cryptography;

namespace Tessera.Auth.Jwk;

/// <summary>RSA with PKCS#1 v1.5 (RS*) or PSS with salt length = hash length (PS*).</summary>
internal sealed class RsaKeyMaterial : KeyMaterial
{
    private readonly JwsAlgorithm _algorithm;
    private readonly RSASignaturePadding _padding;
    private readonly InstancePool<RSA> _pool;
    private readonly int _modulusBytes;
    private readonly int _modulusBits;
    private readonly Org.BouncyCastle.Math.BigInteger _modulus;
    private readonly Org.BouncyCastle.Math.BigInteger _exponent;

    public RsaKeyMaterial(JwsAlgorithm algorithm, RSAParameters parameters)
    {
        _algorithm = algorithm;
        _padding = algorithm.Family == JwsAlgorithmFamily.RsaPss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        _modulusBytes = parameters.Modulus!.Length;
        _modulus = new Org.BouncyCastle.Math.BigInteger(1, parameters.Modulus);
        _exponent = new Org.BouncyCastle.Math.BigInteger(1, parameters.Exponent);
        _modulusBits = _modulus.BitLength;
        IsPrivate = parameters.D is not null;
        var first = Import(parameters);
        _pool = new InstancePool<RSA>(() => Import(parameters));
        _pool.Return(first);
    }

    public override bool IsPrivate { get; }

    private static RSA Import(RSAParameters parameters)
    {
        var rsa = RSA.Create();
        rsa.ImportParameters(parameters);
        return rsa;
    }

    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != _modulusBytes) return false;
        bool verified;
        var rsa = _pool.Rent();
        try
        {
            verified = rsa.VerifyData(data, signature, _algorithm.Hash, _padding);
        }
        catch (CryptographicException)
        {
            verified = false;
        }
        finally
        {
            _pool.Return(rsa);
        }
        // The framework's PSS insists on salt length = hash length (what JOSE signers use); RFC 8017
        // verification allows any salt length, so a signature that fails that fast path gets the
        // general check before being refused.
        if (!verified && _algorithm.Family == JwsAlgorithmFamily.RsaPss)
            verified = RsaPssVerification.Verify(_modulus, _exponent, _modulusBits, _algorithm.Hash, data, signature);
        return verified;
    }

    public override byte[] Sign(ReadOnlySpan<byte> data)
    {
        var rsa = _pool.Rent();
        try
        {
            return rsa.SignData(data.ToArray(), _algorithm.Hash, _padding);
        }
        finally
        {
            _pool.Return(rsa);
        }
    }
}
