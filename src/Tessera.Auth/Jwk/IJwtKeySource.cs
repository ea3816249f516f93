namespace Tessera.Auth.Jwk;

/// <summary>
/// Supplies the keys a group trusts, possibly fetched from JWKS URLs. <paramref name="keyId"/> is the
/// token's <c>kid</c> (null when absent), which lets a JWKS-backed source refresh for a new key.
/// </summary>
public interface IJwtKeySource
{
    ValueTask<IReadOnlyList<JsonWebKey>> GetKeysAsync(string? keyId, CancellationToken cancellationToken);
}
