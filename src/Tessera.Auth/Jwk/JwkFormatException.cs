namespace Tessera.Auth.Jwk;

/// <summary>A JWK that cannot be used: wrong members, wrong lengths, off-curve point, weak key.</summary>
public sealed class JwkFormatException(string message) : Exception(message);
