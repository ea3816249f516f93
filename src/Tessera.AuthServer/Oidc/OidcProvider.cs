using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.IdentityModel.Tokens.Jwt;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Tessera.AuthServer.Configuration;

namespace Tessera.AuthServer.Oidc;

/// <summary>
/// One configured OpenID Connect provider, as a confidential client of it: builds the
/// authorization request, redeems the code, validates the ID token and reads userinfo. Parsing,
/// signature checks and the protocol checks (nonce, azp, at_hash) are Microsoft.IdentityModel's.
/// </summary>
public sealed class OidcProvider
{
    /// <summary>ID tokens are only accepted signed with an asymmetric algorithm the provider publishes a key for.</summary>
    private static readonly string[] AcceptedAlgorithms = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

    private readonly OidcBackendConfig _config;
    private readonly HttpClient _http;
    private readonly ClientCredentials _credentials;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _tokens = new() { MapInboundClaims = false };

    /// <exception cref="ConfigException">The client key cannot be used.</exception>
    public OidcProvider(OidcBackendConfig config, string redirectUri, HttpClient http, TimeProvider time)
    {
        _config = config;
        _http = http;
        _time = time;
        RedirectUri = redirectUri;
        _credentials = new ClientCredentials(config, time);
        Metadata = new ProviderMetadata(config.Issuer, http, time);
    }

    public string Name => _config.Name;
    public string Label => _config.Label ?? "Sign in with " + _config.Name;
    public string Issuer => _config.Issuer;
    public string RedirectUri { get; }
    public TimeSpan LoginTimeout => TimeSpan.FromSeconds(_config.LoginTimeout);
    public string UsernameClaim => _config.UsernameClaim;
    public IReadOnlyList<string> GroupsClaims => _config.GroupsClaim;
    public ProviderMetadata Metadata { get; }

    /// <summary>The authorization request (code flow, PKCE S256, state, nonce) to send the browser to.</summary>
    public string AuthorizationUrl(OpenIdConnectConfiguration metadata, PendingLogin login)
    {
        var request = new OpenIdConnectMessage
        {
            IssuerAddress = metadata.AuthorizationEndpoint,
            ClientId = _config.ClientId,
            RedirectUri = RedirectUri,
            ResponseType = OpenIdConnectResponseType.Code,
            ResponseMode = "query",
            Scope = string.Join(' ', _config.Scopes),
            State = login.State,
            Nonce = login.Nonce,
        };
        request.Parameters["code_challenge"] = Pkce.Challenge(login.CodeVerifier);
        request.Parameters["code_challenge_method"] = "S256";
        return request.CreateAuthenticationRequestUrl();
    }

    /// <summary>Redeems the code and validates what comes back; returns the claims the provider vouches for.</summary>
    /// <exception cref="ProviderUnavailableException">The provider did not answer, or not in OAuth's terms.</exception>
    /// <exception cref="SignInRejectedException">The provider refused the code, or its ID token is not valid for us.</exception>
    public async Task<SignedInClaims> CompleteAsync(string code, PendingLogin login, CancellationToken cancellationToken)
    {
        var metadata = await Metadata.GetAsync(cancellationToken).ConfigureAwait(false);
        var response = await RedeemAsync(metadata, code, login.CodeVerifier, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(response.IdToken))
            throw new SignInRejectedException("the token response holds no ID token (is 'openid' among the client's scopes?)");
        var idToken = await ValidateIdTokenAsync(metadata, response.IdToken, cancellationToken).ConfigureAwait(false);
        var protocol = new OpenIdConnectProtocolValidator { RequireNonce = true, RequireTimeStampInNonce = false, RequireStateValidation = false };
        try
        {
            protocol.ValidateTokenResponse(new OpenIdConnectProtocolValidationContext
            {
                ClientId = _config.ClientId,
                Nonce = login.Nonce,
                ProtocolMessage = response,
                ValidatedIdToken = JwtSecurityTokenConverter.Convert(idToken),
            });
        }
        catch (OpenIdConnectProtocolException e)
        {
            throw new SignInRejectedException("ID token refused: " + e.Message, e);
        }
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(idToken.EncodedPayload));
        JsonElement? userinfo = null;
        if (_config.Userinfo)
            userinfo = await UserinfoAsync(metadata, response.AccessToken, idToken, protocol, cancellationToken).ConfigureAwait(false);
        return new SignedInClaims(payload.RootElement.Clone(), userinfo);
    }

    private async Task<OpenIdConnectMessage> RedeemAsync(OpenIdConnectConfiguration metadata, string code, string verifier,
                                                         CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = RedirectUri,
            ["code_verifier"] = verifier,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, metadata.TokenEndpoint);
        _credentials.Apply(request, form, metadata.TokenEndpoint);
        request.Content = new FormUrlEncodedContent(form);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var body = await SendAsync(request, "token endpoint", cancellationToken).ConfigureAwait(false);
        OpenIdConnectMessage message;
        try
        {
            message = new OpenIdConnectMessage(body.Text);
        }
        catch (Exception e) when (e is ArgumentException or JsonException)
        {
            throw new ProviderUnavailableException($"the token endpoint answered {(int)body.Status} with something that is not JSON", e);
        }
        if (!string.IsNullOrEmpty(message.Error) || body.Status != HttpStatusCode.OK)
        {
            // RFC 6749 §5.2: a 400/401 with an error code is a refusal; anything else is a broken provider.
            if (body.Status is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized && !string.IsNullOrEmpty(message.Error))
                throw new SignInRejectedException($"the token endpoint refused the code: {Printable(message.Error)}");
            throw new ProviderUnavailableException($"the token endpoint answered {(int)body.Status}");
        }
        return message;
    }

    private async Task<JsonWebToken> ValidateIdTokenAsync(OpenIdConnectConfiguration metadata, string idToken, CancellationToken cancellationToken)
    {
        var result = await _tokens.ValidateTokenAsync(idToken, Parameters(metadata)).ConfigureAwait(false);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // A key we have not seen: the provider may have rotated. Fetch its keys again and retry once.
            metadata = await Metadata.RefreshForUnknownKeyAsync(cancellationToken).ConfigureAwait(false);
            result = await _tokens.ValidateTokenAsync(idToken, Parameters(metadata)).ConfigureAwait(false);
        }
        if (!result.IsValid)
            throw new SignInRejectedException("ID token refused: " + (result.Exception?.Message ?? "not valid"), result.Exception);
        var token = (JsonWebToken)result.SecurityToken;
        // The library checks exp and nbf; a token issued in the future is refused too (as the
        // conference server refuses one), with the same leeway.
        if (token.IssuedAt > _time.GetUtcNow().UtcDateTime + TimeSpan.FromSeconds(_config.Leeway))
            throw new SignInRejectedException("ID token refused: issued in the future (iat)");
        return token;
    }

    private TokenValidationParameters Parameters(OpenIdConnectConfiguration metadata) => new()
    {
        ValidIssuer = _config.Issuer,
        ValidAudience = _config.ClientId,
        IssuerSigningKeys = metadata.SigningKeys,
        ValidAlgorithms = AcceptedAlgorithms,
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateLifetime = true,
        ClockSkew = TimeSpan.FromSeconds(_config.Leeway),
    };

    private async Task<JsonElement> UserinfoAsync(OpenIdConnectConfiguration metadata, string? accessToken, JsonWebToken idToken,
                                                  OpenIdConnectProtocolValidator protocol, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(metadata.UserInfoEndpoint) || string.IsNullOrEmpty(accessToken))
            throw new ProviderUnavailableException("'userinfo' is on, but the provider has no userinfo endpoint or gave no access token");
        using var request = new HttpRequestMessage(HttpMethod.Get, metadata.UserInfoEndpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var body = await SendAsync(request, "userinfo endpoint", cancellationToken).ConfigureAwait(false);
        if (body.Status != HttpStatusCode.OK || body.MediaType != "application/json")
            throw new ProviderUnavailableException($"the userinfo endpoint answered {(int)body.Status} {body.MediaType}");
        try
        {
            // Core §5.3.2: the answer must be about the person the ID token names.
            protocol.ValidateUserInfoResponse(new OpenIdConnectProtocolValidationContext
            {
                UserInfoEndpointResponse = body.Text,
                ValidatedIdToken = JwtSecurityTokenConverter.Convert(idToken),
            });
            using var document = JsonDocument.Parse(body.Text);
            return document.RootElement.Clone();
        }
        catch (OpenIdConnectProtocolException e)
        {
            throw new SignInRejectedException("userinfo refused: " + e.Message, e);
        }
        catch (JsonException e)
        {
            throw new ProviderUnavailableException("the userinfo endpoint answered with something that is not JSON", e);
        }
    }

    private sealed record Answer(HttpStatusCode Status, string? MediaType, string Text);

    private async Task<Answer> SendAsync(HttpRequestMessage request, string what, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return new Answer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, text);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new ProviderUnavailableException($"the {what} does not answer: {e.Message}", e);
        }
    }

    /// <summary>An error code from the provider goes into the log: keep it short and printable.</summary>
    private static string Printable(string text) =>
        new(text.Take(64).Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());
}
