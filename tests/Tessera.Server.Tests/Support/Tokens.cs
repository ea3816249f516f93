using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Tessera.Server.Tests.Support;

/// <summary>
/// Mints JWTs with Microsoft.IdentityModel, a standard JOSE library independent of Tessera's
/// own signer, so these tests prove interoperability rather than agreement with ourselves.
/// </summary>
public sealed class Tokens
{
    private readonly SigningCredentials _credentials;

    private Tokens(SigningCredentials credentials, JsonObject publicJwk)
    {
        _credentials = credentials;
        PublicJwk = publicJwk;
    }

    public JsonObject PublicJwk { get; }

    public static Tokens Hs256(string kid = "hs")
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var key = new SymmetricSecurityKey(secret) { KeyId = kid };
        var jwk = new JsonObject { ["kty"] = "oct", ["alg"] = "HS256", ["kid"] = kid, ["k"] = Base64UrlEncoder.Encode(secret) };
        return new Tokens(new SigningCredentials(key, SecurityAlgorithms.HmacSha256), jwk);
    }

    public static Tokens Es256(string kid = "es")
    {
        var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ecdsa.ExportParameters(false);
        var key = new ECDsaSecurityKey(ecdsa) { KeyId = kid };
        var jwk = new JsonObject
        {
            ["kty"] = "EC", ["alg"] = "ES256", ["crv"] = "P-256", ["kid"] = kid,
            ["x"] = Base64UrlEncoder.Encode(p.Q.X), ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
        };
        return new Tokens(new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256), jwk);
    }

    public static Tokens Rs256(string kid = "rs")
    {
        var rsa = RSA.Create(2048);
        var p = rsa.ExportParameters(false);
        var key = new RsaSecurityKey(rsa) { KeyId = kid };
        var jwk = new JsonObject
        {
            ["kty"] = "RSA", ["alg"] = "RS256", ["kid"] = kid,
            ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent),
        };
        return new Tokens(new SigningCredentials(key, SecurityAlgorithms.RsaSha256), jwk);
    }

    /// <summary>A token for <paramref name="group"/> on <paramref name="host"/> with the usual claims, adjusted by <paramref name="edit"/>.</summary>
    public string Mint(string host, string group, string? sub = "alice", string[]? permissions = null,
                       Action<Dictionary<string, object>>? edit = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new Dictionary<string, object>
        {
            ["aud"] = $"http://{host}/group/{group}/",
            ["iat"] = now,
            ["exp"] = now + 30,
            ["permissions"] = permissions ?? ["present", "message"],
            ["iss"] = "https://auth.example/",
        };
        if (sub is not null) claims["sub"] = sub;
        edit?.Invoke(claims);
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor { Claims = claims, SigningCredentials = _credentials });
    }

    /// <summary>A token whose header claims <c>alg: none</c>, with no signature.</summary>
    public static string Unsigned(string payloadJson, string alg = "none") =>
        Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes($$"""{"alg":"{{alg}}","typ":"JWT"}""")) + "." +
        Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payloadJson)) + ".";
}
