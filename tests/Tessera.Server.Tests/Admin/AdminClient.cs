using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Tessera.Server.Tests.Admin;

/// <summary>Requests to the administrative API over real HTTP, with the credentials of one caller.</summary>
internal sealed class AdminClient(HttpClient http, AuthenticationHeaderValue? authorization)
{
    public const string Api = "/galene-api/v0/";

    public static AdminClient Basic(HttpClient http, string user, string password) =>
        new(http, new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"))));

    public static AdminClient Bearer(HttpClient http, string token) => new(http, new AuthenticationHeaderValue("Bearer", token));

    public static AdminClient Anonymous(HttpClient http) => new(http, null);

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json = null,
                                               Action<HttpRequestMessage>? configure = null, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(method, Api + path);
        request.Headers.Authorization = authorization;
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, contentType);
        configure?.Invoke(request);
        return http.SendAsync(request);
    }

    /// <summary>A GET of a path outside the API, with these credentials.</summary>
    public Task<HttpResponseMessage> SendRawAsync(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = authorization;
        return http.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetAsync(string path, Action<HttpRequestMessage>? configure = null) =>
        SendAsync(HttpMethod.Get, path, configure: configure);

    public Task<HttpResponseMessage> PutAsync(string path, string json, Action<HttpRequestMessage>? configure = null) =>
        SendAsync(HttpMethod.Put, path, json, configure);

    public Task<HttpResponseMessage> DeleteAsync(string path, Action<HttpRequestMessage>? configure = null) =>
        SendAsync(HttpMethod.Delete, path, configure: configure);

    public async Task<JsonNode> GetJsonAsync(string path)
    {
        using var response = await GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    public static Action<HttpRequestMessage> IfMatch(string tag) => r => r.Headers.TryAddWithoutValidation("If-Match", tag);
    public static Action<HttpRequestMessage> IfNoneMatch(string tag) => r => r.Headers.TryAddWithoutValidation("If-None-Match", tag);
}
