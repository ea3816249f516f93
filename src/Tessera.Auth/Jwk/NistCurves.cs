using System.Numerics;
using System.Security.Cryptography;

namespace Tessera.Auth.Jwk;

/// <summary>
/// Explicit on-curve check for imported EC points: y² = x³ + ax + b (mod p), coordinates below p.
/// Done here rather than trusting the crypto provider, so an invalid-curve key is refused at parse
/// time on every platform.
/// </summary>
internal static class NistCurves
{
    private sealed record Curve(ECCurve Named, BigInteger P, BigInteger A, BigInteger B);

    private static readonly Lazy<Dictionary<string, Curve>> Curves = new(() => new(StringComparer.Ordinal)
    {
        ["P-256"] = Load(ECCurve.NamedCurves.nistP256),
        ["P-384"] = Load(ECCurve.NamedCurves.nistP384),
        ["P-521"] = Load(ECCurve.NamedCurves.nistP521),
    });

    private static Curve Load(ECCurve named)
    {
        using var ecdsa = ECDsa.Create(named);
        var explicitCurve = ecdsa.ExportExplicitParameters(false).Curve;
        return new Curve(named, ToInteger(explicitCurve.Prime!), ToInteger(explicitCurve.A!), ToInteger(explicitCurve.B!));
    }

    public static ECCurve Named(string crv) => Curves.Value[crv].Named;

    public static bool IsOnCurve(string crv, byte[] x, byte[] y)
    {
        var curve = Curves.Value[crv];
        var bx = ToInteger(x);
        var by = ToInteger(y);
        if (bx >= curve.P || by >= curve.P) return false;
        var left = BigInteger.ModPow(by, 2, curve.P);
        var right = (BigInteger.ModPow(bx, 3, curve.P) + curve.A * bx + curve.B) % curve.P;
        if (right.Sign < 0) right += curve.P;
        return left == right;
    }

    private static BigInteger ToInteger(byte[] bigEndian) => new(bigEndian, isUnsigned: true, isBigEndian: true);
}
