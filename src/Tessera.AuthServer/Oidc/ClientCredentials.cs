using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Tessera.AuthServer.Configuration;

namespace Tessera.AuthServer.Oidc;

/// <summary>
/// How tessera-auth proves to the token endpoint that it is the registered client: a shared
/// secret (HTTP Basic, RFC 6749 §2.3.1) or <c>private_key_jwt</c> (OpenID Connect Core §9, RFC 7523):
/// a short JWT signed with our private key, for the token endpoint only, never reused.
/// </summary>
public sealed class ClientCredentials
{
    private readonly string _clientId;
    private readonly string? _secret;
    private readonly SigningCredentials? _key;
    private readonly TimeProvider _time;

    /// <exception cref="ConfigException">The client key is not a usable private JWK.</exception>
    public ClientCredentials(OidcBackendConfig config, TimeProvider time)
    {
        _clientId = config.ClientId;
        _secret = config.ClientSecret;
        _time = time;
        if (config.ClientKey is { } jwkJson)
        {
            JsonWebKey jwk;
            try
            {
                jwk = new JsonWebKey(jwkJson.GetRawText());
            }
            catch (ArgumentException e)
            {
                throw new ConfigException($"oidc back end '{config.Name}': 'clientKey' is not a JWK: {e.Message}", e);
            }
            if (!jwk.HasPrivateKey || string.IsNullOrEmpty(jwk.Alg) || jwk.Alg.StartsWith("HS", StringComparison.Ordinal))
                throw new ConfigException($"oidc back end '{config.Name}': 'clientKey' must be a private RSA or EC JWK with its 'alg'");
            _key = new SigningCredentials(jwk, jwk.Alg);
        }
    }

    public void Apply(HttpRequestMessage request, Dictionary<string, string> form, string tokenEndpoint)
    {
        if (_key is not null)
        {
            var now = _time.GetUtcNow().UtcDateTime;
            var assertion = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = _clientId,
                Audience = tokenEndpoint,
                Claims = new Dictionary<string, object>
                {
                    ["sub"] = _clientId,
                    ["jti"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)),
                },
                IssuedAt = now,
                NotBefore = now,
                Expires = now.AddMinutes(1),
                SigningCredentials = _key,
            });
            form["client_id"] = _clientId;
            form["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
            form["client_assertion"] = assertion;
            return;
        }
        // RFC 6749 §2.3.1: both parts form-encoded before Basic.
        var pair = Uri.EscapeDataString(_clientId) + ":" + Uri.EscapeDataString(_secret!);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
    }
}
