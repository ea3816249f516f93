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
    private Fetched? _current; // one reference, so readers outside the gate see a document and its age together
    private DateTimeOffset _lastUnknownKeyRefresh = DateTimeOffset.MinValue;

    private sealed record Fetched(OpenIdConnectConfiguration Document, DateTimeOffset At);

    private string DiscoveryUrl => issuer.TrimEnd('/') + "/.well-known/openid-configuration";

    /// <exception cref="ProviderUnavailableException">Never fetched, and the provider does not answer now.</exception>
    public async Task<OpenIdConnectConfiguration> GetAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _current) is { } current && time.GetUtcNow() - current.At < MaxAge) return current.Document;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_current is { } fresh && time.GetUtcNow() - fresh.At < MaxAge) return fresh.Document;
            try
            {
                return await FetchAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ProviderUnavailableException) when (_current is not null)
            {
                return _current.Document; // stale keys beat no login at all while the provider is briefly away
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
            if (_current is not null && now - _lastUnknownKeyRefresh < UnknownKeyRefreshGap) return _current.Document;
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
        // The code, the client secret and the tokens cross these: never in clear over a network.
        foreach (var endpoint in new[] { fetched.AuthorizationEndpoint, fetched.TokenEndpoint, fetched.UserInfoEndpoint })
            if (!string.IsNullOrEmpty(endpoint) && !IsSecure(endpoint))
                throw new ProviderUnavailableException($"{DiscoveryUrl} names an endpoint that is not https: {endpoint}");
        Volatile.Write(ref _current, new Fetched(fetched, time.GetUtcNow()));
        return fetched;
    }

    /// <summary>https, or http on a loopback address (the same rule as for the issuer).</summary>
    private static bool IsSecure(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == "https" || (uri.Scheme == "http" && uri.IsLoopback));
}
