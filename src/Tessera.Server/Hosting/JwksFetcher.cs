using Tessera.Auth.Jwk;

namespace Tessera.Server.Hosting;

/// <summary>The HTTP side of JWKS URLs in <c>authKeys</c>: a small bounded GET, no redirects, no cookies.</summary>
public static class JwksFetcher
{
    private const int MaxDocumentBytes = 256 * 1024;

    public static JwksCache CreateCache(TimeProvider time)
    {
        var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            Timeout = TimeSpan.FromSeconds(10),
            MaxResponseContentBufferSize = MaxDocumentBytes,
        };
        http.DefaultRequestHeaders.Accept.ParseAdd("application/jwk-set+json, application/json");
        return new JwksCache(async (uri, ct) =>
        {
            using var response = await http.GetAsync(uri, ct);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadAsStringAsync(ct);
        }, time);
    }
}
