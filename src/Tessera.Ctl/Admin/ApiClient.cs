using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tessera.Ctl.Admin;

/// <summary>
/// The administrative API as galenectl uses it: the bearer token when there is one, else Basic
/// credentials; creations with <c>If-None-Match: *</c>; updates as GET, change, PUT with
/// <c>If-Match</c>. Every failure becomes one <see cref="CtlException"/> line.
/// </summary>
public sealed class ApiClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly CtlSettings _settings;

    public ApiClient(CtlSettings settings, bool insecure)
    {
        _settings = settings;
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false };
        if (insecure) handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The URL of an API path; group and user names keep their slashes, other characters are escaped.</summary>
    public Uri Url(params string[] parts)
    {
        if (!Uri.TryCreate(_settings.Server, UriKind.Absolute, out var server) || server.Scheme is not ("http" or "https"))
            throw new CtlException($"'{_settings.Server}' is not an http or https URL");
        var path = "/galene-api/v0/" + string.Join('/', parts.Select(p => string.Join('/', p.Split('/').Select(Uri.EscapeDataString))));
        return new Uri(server, server.AbsolutePath.TrimEnd('/') + path);
    }

    public async Task<(JsonNode? Body, string? Tag)> GetAsync(Uri url)
    {
        using var response = await SendAsync(HttpMethod.Get, url);
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            return (JsonNode.Parse(text), response.Headers.ETag?.ToString());
        }
        catch (JsonException e)
        {
            throw new CtlException($"{url}: the server's answer is not JSON ({e.Message})");
        }
    }

    /// <summary>PUT; with <paramref name="create"/>, only if nothing is there yet.</summary>
    public async Task PutAsync(Uri url, JsonNode body, bool create, string? ifMatch = null, string contentType = "application/json")
    {
        using var response = await SendAsync(HttpMethod.Put, url, body.ToJsonString(), contentType, request =>
        {
            if (create) request.Headers.TryAddWithoutValidation("If-None-Match", "*");
            if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        });
    }

    /// <summary>POST; returns the <c>Location</c> of what was created.</summary>
    public async Task<string?> PostAsync(Uri url, JsonNode body)
    {
        using var response = await SendAsync(HttpMethod.Post, url, body.ToJsonString(), "application/json");
        return response.Headers.Location?.OriginalString;
    }

    public async Task DeleteAsync(Uri url)
    {
        using var response = await SendAsync(HttpMethod.Delete, url);
    }

    /// <summary>GET the object, let <paramref name="change"/> edit it, PUT it back if it has not changed meanwhile.</summary>
    public async Task UpdateAsync(Uri url, Action<JsonObject> change)
    {
        var (body, tag) = await GetAsync(url);
        if (body is not JsonObject json) throw new CtlException($"{url}: the server's answer is not a JSON object");
        if (tag is null) throw new CtlException($"{url}: the server sent no ETag");
        change(json);
        await PutAsync(url, json, create: false, ifMatch: tag);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, string? body = null, string? contentType = null,
                                                      Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (!string.IsNullOrEmpty(_settings.AdminToken))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _settings.AdminToken);
        else if (!string.IsNullOrEmpty(_settings.AdminUsername))
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_settings.AdminUsername}:{_settings.AdminPassword}")));
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType!));
        configure?.Invoke(request);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request);
        }
        catch (HttpRequestException e)
        {
            throw new CtlException($"cannot reach {url.GetLeftPart(UriPartial.Authority)}: {e.Message}");
        }
        catch (TaskCanceledException)
        {
            throw new CtlException($"{url.GetLeftPart(UriPartial.Authority)} did not answer within 30 s");
        }
        if ((int)response.StatusCode < 300) return response;
        using (response)
        {
            throw new CtlException(await Describe(response));
        }
    }

    /// <summary>The status, the server's own one-line reason when it gave one, and a hint for the usual cases.</summary>
    private static async Task<string> Describe(HttpResponseMessage response)
    {
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        var reason = "";
        if (response.Content.Headers.ContentType?.MediaType == "text/plain")
        {
            var text = (await response.Content.ReadAsStringAsync()).Trim();
            if (text.Length is > 0 and < 300 && !text.Contains('\n') && text != "Haha!") reason = ": " + text;
        }
        var hint = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized when reason == "" =>
                " (check -admin-username and -admin-password, or -admin-token, or the configuration file)",
            HttpStatusCode.Unauthorized => " (is writableGroups set in the server's config.json?)",
            HttpStatusCode.NotFound => " (no such group, user or token)",
            HttpStatusCode.PreconditionFailed => " (it already exists, or it was changed meanwhile)",
            _ => "",
        };
        return $"HTTP error: {status}{reason}{hint}";
    }

    public void Dispose() => _http.Dispose();
}
