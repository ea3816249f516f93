using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Net.Http.Headers;
using Tessera.Server.Http;

namespace Tessera.Server.Admin;

/// <summary>A request that cannot be served, with the status and one-line text to answer.</summary>
public sealed class AdminRequestException(int status, string message, string? accept = null) : Exception(message)
{
    public int Status { get; } = status;

    /// <summary>The media type to name in <c>Accept</c> with a 415.</summary>
    public string? Accept { get; } = accept;
}

/// <summary>Request and response conventions of the API (http.md §10.2, §10.3).</summary>
public static class AdminHttp
{
    public const int MaxBodyBytes = 1 << 20;

    /// <summary>The body, after checking its media type and size.</summary>
    /// <exception cref="AdminRequestException">415 for another media type, 413 over 1 MiB.</exception>
    public static async Task<byte[]> ReadBodyAsync(HttpContext context, string mediaType)
    {
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type) ||
            !string.Equals(type.MediaType.Value, mediaType, StringComparison.OrdinalIgnoreCase))
            throw new AdminRequestException(StatusCodes.Status415UnsupportedMediaType, "unsupported content type", mediaType);
        if (context.Request.ContentLength > MaxBodyBytes) throw TooLarge();
        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) throw TooLarge();
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>A JSON object body. Beyond Galène, malformed JSON is the client's error (400), not the server's (500).</summary>
    public static async Task<JsonObject> ReadObjectAsync(HttpContext context)
    {
        var bytes = await ReadBodyAsync(context, "application/json");
        try
        {
            return JsonNode.Parse(bytes) as JsonObject
                   ?? throw new AdminRequestException(StatusCodes.Status400BadRequest, "the body must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new AdminRequestException(StatusCodes.Status400BadRequest, "malformed JSON: " + e.Message);
        }
    }

    private static AdminRequestException TooLarge() =>
        new(StatusCodes.Status413PayloadTooLarge, "Request body too large");

    /// <summary>
    /// http.md §10.3: the answer to <c>If-Match</c> / <c>If-None-Match</c> given the resource's current
    /// tag (null when it does not exist): null to go on, else 304 (reads) or 412.
    /// </summary>
    public static int? Precondition(HttpRequest request, string? currentTag)
    {
        var ifMatch = request.Headers.IfMatch.ToString();
        if (ifMatch.Length > 0 && !Matches(ifMatch, currentTag)) return StatusCodes.Status412PreconditionFailed;
        var ifNoneMatch = request.Headers.IfNoneMatch.ToString();
        if (ifNoneMatch.Length > 0 && Matches(ifNoneMatch, currentTag))
            return HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)
                ? StatusCodes.Status304NotModified
                : StatusCodes.Status412PreconditionFailed;
        return null;
    }

    /// <summary><c>*</c> matches any existing resource; otherwise a list of quoted tags compared exactly.</summary>
    private static bool Matches(string header, string? tag)
    {
        if (tag is null) return false;
        foreach (var item in header.Split(','))
        {
            var t = item.Trim();
            if (t == "*" || t == tag) return true;
        }
        return false;
    }

    public static async Task WriteJsonAsync(HttpContext context, JsonNode body, string? tag = null)
    {
        context.Response.ContentType = "application/json";
        if (tag is not null) context.Response.Headers.ETag = tag;
        if (HttpMethods.IsHead(context.Request.Method)) return;
        await context.Response.WriteAsync(body.ToJsonString(JsonOptions) + "\n");
    }

    public static Task TextAsync(HttpContext context, int status, string text) => HttpErrors.Text(context, status, text);

    public static void NoContent(HttpContext context, bool created) =>
        context.Response.StatusCode = created ? StatusCodes.Status201Created : StatusCodes.Status204NoContent;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
