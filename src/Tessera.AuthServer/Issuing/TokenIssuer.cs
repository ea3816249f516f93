using Tessera.Auth.Jwt;

namespace Tessera.AuthServer.Issuing;

/// <summary>
/// Mints the JWTs of auth.md §9: <c>sub</c> = username, <c>aud</c> = the group URL,
/// <c>permissions</c> = internal names verbatim, <c>iat</c>, <c>exp</c> = iat + lifetime, <c>iss</c>.
/// </summary>
public sealed class TokenIssuer(SigningKeys keys, string issuer, TimeProvider time)
{
    public string Issue(string username, string audience, IReadOnlyList<string> permissions, TimeSpan lifetime) =>
        JwtSigner.Sign(JwtClaims.Build(username, audience, permissions, time.GetUtcNow(), lifetime, issuer), keys.Signer);
}
