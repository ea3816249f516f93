using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;
using Tessera.Protocol;

namespace Tessera.Server.Http;

/// <summary>
/// Files under the static root (http.md §6.1, §4.2): Galène's entity tags, a 30-minute cache,
/// conditional requests and ranges, folders through index.html.
/// </summary>
public sealed class StaticFiles
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();
    private readonly string _root;

    public StaticFiles(string root) => _root = Path.GetFullPath(root);

    public string Root => _root;

    public async Task HandleAsync(HttpContext context)
    {
        if (await HttpErrors.RefusedUnlessRead(context)) return;
        var relative = Uri.UnescapeDataString(context.Request.Path.Value ?? "/").TrimStart('/');
        var full = Path.GetFullPath(Path.Combine(_root, relative));
        if (!full.StartsWith(_root, StringComparison.Ordinal) || relative.Split('/').Any(s => s.StartsWith('.') && s.Length > 0))
        {
            await HttpErrors.NotFound(context, _root);
            return;
        }
        if (Directory.Exists(full))
        {
            if (!(context.Request.Path.Value ?? "/").EndsWith('/'))
            {
                HttpErrors.Redirect(context, StatusCodes.Status308PermanentRedirect, context.Request.PathBase + context.Request.Path + "/");
                return;
            }
            full = Path.Combine(full, "index.html");
            if (!File.Exists(full))
            {
                await HttpErrors.Text(context, StatusCodes.Status403Forbidden, "Forbidden");
                return;
            }
        }
        if (!File.Exists(full))
        {
            await HttpErrors.NotFound(context, _root);
            return;
        }
        SecurityHeaders.Apply(context.Response);
        await Serve(context, full);
    }

    /// <summary>Sends one file with the caching rules; also used for the group page.</summary>
    public static Task Serve(HttpContext context, string path)
    {
        var info = new FileInfo(path);
        var tag = new EntityTagHeaderValue($"\"{info.Length}-{ReloadingFile<object>.MtimeNs(info)}\"");
        context.Response.Headers.CacheControl = "max-age=1800";
        if (!ContentTypes.TryGetContentType(path, out var type)) type = "application/octet-stream";
        if (type.StartsWith("text/", StringComparison.Ordinal) || type.EndsWith("javascript", StringComparison.Ordinal))
            type += "; charset=utf-8";
        return Results.File(path, type, lastModified: info.LastWriteTimeUtc, entityTag: tag, enableRangeProcessing: true)
                      .ExecuteAsync(context);
    }
}
