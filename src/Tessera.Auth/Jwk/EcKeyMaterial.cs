using System.Security.Cryptography;

namespace Tessera.Auth.Jwk;

/// <summary>ECDSA over a NIST curve; signatures in the JOSE fixed-width R‖S form.</summary>
internal sealed class EcKeyMaterial : KeyMaterial
{
    private readonly JwsAlgorithm _algorithm;
    private readonly InstancePool<ECDsa> _pool;

    public EcKeyMaterial(JwsAlgorithm algorithm, ECParameters parameters)
    {
        _algorithm = algorithm;
        IsPrivate = parameters.D is not null;
        // Import once now so that a bad key fails at parse time, not at the first token.
        var first = Import(parameters);
        _pool = new InstancePool<ECDsa>(() => Import(parameters));
        _pool.Return(first);
    }

    public override bool IsPrivate { get; }

    private static ECDsa Import(ECParameters parameters)
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportParameters(parameters);
        return ecdsa;
    }

    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != 2 * _algorithm.CurveFieldBytes) return false;
        var ecdsa = _pool.Rent();
        try
        {
            return ecdsa.VerifyData(data, signature, _algorithm.Hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            return false;
        }
        finally
        {
            _pool.Return(ecdsa);
        }
    }

    public override byte[] Sign(ReadOnlySpan<byte> data)
    {
        var ecdsa = _pool.Rent();
        try
        {
            return ecdsa.SignData(data, _algorithm.Hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        finally
        {
            _pool.Return(ecdsa);
        }
    }
}
