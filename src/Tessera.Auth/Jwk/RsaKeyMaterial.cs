using System.Security.Cryptography;

namespace Tessera.Auth.Jwk;

/// <summary>RSA with PKCS#1 v1.5 (RS*) or PSS with salt length = hash length (PS*).</summary>
internal sealed class RsaKeyMaterial : KeyMaterial
{
    private readonly JwsAlgorithm _algorithm;
    private readonly RSASignaturePadding _padding;
    private readonly InstancePool<RSA> _pool;
    private readonly int _modulusBytes;

    public RsaKeyMaterial(JwsAlgorithm algorithm, RSAParameters parameters)
    {
        _algorithm = algorithm;
        _padding = algorithm.Family == JwsAlgorithmFamily.RsaPss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        _modulusBytes = parameters.Modulus!.Length;
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
        var rsa = _pool.Rent();
        try
        {
            return rsa.VerifyData(data, signature, _algorithm.Hash, _padding);
        }
        catch (CryptographicException)
        {
            return false;
        }
        finally
        {
            _pool.Return(rsa);
        }
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
