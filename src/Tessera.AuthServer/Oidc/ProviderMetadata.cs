using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Tessera.AuthServer.Oidc;

/// <summary>
/// A provider's discovery document and signing keys (JWKS), fetched and parsed by
/// Microsoft.IdentityModel's retriever and kept for an hour. A provider that rotates its keys
/// signs with a key we have not seen: <see cref="RefreshForUnknownKeyAsync"/> fetches again at
/// once, but at most every <see cref="UnknownKeyRefreshGap"/>, so tokens naming made-up keys
/// cannot make us hammer the provider.
/// </summary>
public sealed class ProviderMetadata(string issuer, HttpClient http, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(1);
    public static readonly TimeSpan UnknownKeyRefreshGap = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private OpenIdConnectConfiguration? _current;
    private DateTimeOffset _fetchedAt;
    private DateTimeOffset _lastUnknownKeyRefresh = DateTimeOffset.MinValue;

    private string DiscoveryUrl => issuer.TrimEnd('/') + "/.well-known/openid-configuration";

    /// <exception cref="ProviderUnavailableException">Never fetched, and the provider does not answer now.</exception>
    public async Task<OpenIdConnectConfiguration> GetAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        if (current is not null && time.GetUtcNow() - _fetchedAt < MaxAge) return current;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_current is not null && time.GetUtcNow() - _fetchedAt < MaxAge) return _current;
            try
            {
                return await FetchAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ProviderUnavailableException) when (_current is not null)
            {
                return _current; // stale keys beat no login at all while the provider is briefly away
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Fetches again for a token signed with a key we do not know, unless that was done moments ago.</summary>
    public async Task<OpenIdConnectConfiguration> RefreshForUnknownKeyAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            if (_current is not null && now - _lastUnknownKeyRefresh < UnknownKeyRefreshGap) return _current;
            _lastUnknownKeyRefresh = now;
            return await FetchAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<OpenIdConnectConfiguration> FetchAsync(CancellationToken cancellationToken)
    {
        OpenIdConnectConfiguration fetched;
        try
        {
            var retriever = new HttpDocumentRetriever(http) { RequireHttps = issuer.StartsWith("https:", StringComparison.Ordinal) };
            fetched = await OpenIdConnectConfigurationRetriever.GetAsync(DiscoveryUrl, retriever, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or InvalidOperationException or ArgumentException
                                      or System.Text.Json.JsonException or TaskCanceledException
                                  && !cancellationToken.IsCancellationRequested)
        {
            throw new ProviderUnavailableException($"cannot read {DiscoveryUrl}: {e.Message}", e);
        }
        // OpenID Connect Discovery §4.3: the document must name exactly the issuer we asked, or
        // another issuer's tokens could pass as this one's.
        if (fetched.Issuer != issuer)
            throw new ProviderUnavailableException($"{DiscoveryUrl} names the issuer '{fetched.Issuer}', not '{issuer}'");
        if (string.IsNullOrEmpty(fetched.AuthorizationEndpoint) || string.IsNullOrEmpty(fetched.TokenEndpoint) || fetched.SigningKeys.Count == 0)
            throw new ProviderUnavailableException($"{DiscoveryUrl} lacks an authorization endpoint, a token endpoint or signing keys");
        Volatile.Write(ref _current, fetched);
        _fetchedAt = time.GetUtcNow();
        return fetched;
    }
}
