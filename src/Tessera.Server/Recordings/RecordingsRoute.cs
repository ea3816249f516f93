using Microsoft.Net.Http.Headers;
using Tessera.Auth;
using Tessera.Protocol;
using Tessera.Server.Http;
using Tessera.Server.Recording;

namespace Tessera.Server.Recordings;

/// <summary>
/// <c>/recordings/</c> (http.md §11 with §13's improvements): a group's folder as an HTML listing
/// (GET, HEAD), deletion by form (POST), and each file with ranges and entity tags. Unlike Galène,
/// the credentials are checked before anything is looked up, so a stranger cannot learn whether a
/// recording exists, and bearer tokens are accepted beside Basic passwords. A POST must come from
/// this server's own pages (Origin), since a browser would send remembered Basic credentials along
/// with a forged form.
/// </summary>
public sealed class RecordingsRoute(RecordingsDirectory directory, RecordingsCredentials credentials, StaticFiles statics,
                                    TimeProvider time, ILogger<RecordingsRoute> logger)
{
    /// <summary>Galène makes a wrong password wait this long before the refusal.</summary>
    public static readonly TimeSpan WrongCredentialsDelay = TimeSpan.FromMilliseconds(200);
    /// <summary>A file modified more recently than this may still be being written: not cached.</summary>
    public static readonly TimeSpan StillWriting = TimeSpan.FromMinutes(1);

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (path == "/recordings")
        {
            HttpErrors.Redirect(context, StatusCodes.Status308PermanentRedirect, "/recordings/");
            return;
        }
        var rest = path["/recordings/".Length..];
        var target = RecordingTarget.Parse(rest);
        if (target is null)
        {
            await HttpErrors.Text(context, StatusCodes.Status400BadRequest, "Bad group name");
            return;
        }

        // Authenticate first, against the group the path names (§13): nothing below runs for a stranger.
        var presented = RecordingsCredentials.Presented(context.Request, out bool malformed);
        string? group = null;
        bool folder = false;
        if (presented is not null)
        {
            foreach (var (candidate, isFolder) in target.Candidates)
            {
                if (await credentials.MayRecordAsync(candidate, presented, context.RequestAborted))
                {
                    (group, folder) = (candidate, isFolder);
                    break;
                }
            }
        }
        if (group is null)
        {
            if (presented is not null || malformed)
            {
                logger.LogInformation("Recordings: refused credentials for {Path} from {Address}", path, context.Connection.RemoteIpAddress);
                await Task.Delay(WrongCredentialsDelay, time, context.RequestAborted);
            }
            // A group name may hold quotes or backslashes: escaped, the realm stays one quoted string (RFC 9110 §5.6.4).
            var realm = $"recordings/{target.Candidates[^1].Group}".Replace("\\", "\\\\").Replace("\"", "\\\"");
            context.Response.Headers.WWWAuthenticate = $"Basic realm=\"{realm}\", charset=\"UTF-8\"";
            await HttpErrors.Text(context, StatusCodes.Status401Unauthorized, "Authentication required");
            return;
        }

        string groupFolder;
        try
        {
            groupFolder = directory.GroupFolder(group);
        }
        catch (ArgumentException)
        {
            await HttpErrors.Text(context, StatusCodes.Status400BadRequest, "Bad group name");
            return;
        }
        if (folder)
        {
            if (!Directory.Exists(groupFolder))
            {
                await HttpErrors.NotFound(context, statics.Root);
                return;
            }
            if (!target.EndsWithSlash)
            {
                HttpErrors.Redirect(context, StatusCodes.Status308PermanentRedirect, $"/recordings/{GroupNames.ToPath(group)}/");
                return;
            }
            await FolderAsync(context, group, groupFolder);
        }
        else
        {
            await FileAsync(context, Path.Combine(groupFolder, target.FileName!));
        }
    }

    private async Task FolderAsync(HttpContext context, string group, string folder)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsPost(method))
        {
            await DeleteAsync(context, group, folder);
            return;
        }
        if (HttpMethods.IsOptions(method))
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            context.Response.Headers.Allow = "OPTIONS, GET, HEAD, POST";
            return;
        }
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
        {
            await HttpErrors.MethodNotAllowed(context, "GET, HEAD, POST");
            return;
        }
        var files = new DirectoryInfo(folder).EnumerateFiles().Where(f => !f.Name.StartsWith('.'));
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        SecurityHeaders.Apply(context.Response);
        var page = RecordingsListing.Render(group, files);
        if (HttpMethods.IsGet(method))
            await context.Response.WriteAsync(page);
    }

    private async Task DeleteAsync(HttpContext context, string group, string folder)
    {
        if (!OriginCheck.Allowed(context.Request, allowed: null, configReadable: false))
        {
            await HttpErrors.Text(context, StatusCodes.Status403Forbidden, "Forbidden: the form did not come from this server");
            return;
        }
        if (!context.Request.HasFormContentType)
        {
            await HttpErrors.Text(context, StatusCodes.Status400BadRequest, "Couldn't parse request");
            return;
        }
        Microsoft.AspNetCore.Http.IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            await HttpErrors.Text(context, StatusCodes.Status400BadRequest, "Couldn't parse request");
            return;
        }
        if (form["q"] != "delete")
        {
            await HttpErrors.Text(context, StatusCodes.Status400BadRequest, "Unknown query");
            return;
        }
        var name = form["filename"].ToString();
        if (name.Length == 0)
        {
            await HttpErrors.Text(context, StatusCodes.Status400BadRequest, "No filename provided");
            return;
        }
        if (!RecordingTarget.IsFileName(name))
        {
            await HttpErrors.Text(context, StatusCodes.Status400BadRequest, "Bad character in filename");
            return;
        }
        var file = Path.Combine(folder, name);
        if (!File.Exists(file))
        {
            await HttpErrors.NotFound(context, statics.Root);
            return;
        }
        File.Delete(file);
        logger.LogInformation("Recording {Group}/{File} deleted", group, name);
        HttpErrors.Redirect(context, StatusCodes.Status303SeeOther, $"/recordings/{GroupNames.ToPath(group)}/");
    }

    private async Task FileAsync(HttpContext context, string file)
    {
        if (await HttpErrors.RefusedUnlessRead(context))
            return;
        var info = new FileInfo(file);
        if (!info.Exists)
        {
            await HttpErrors.NotFound(context, statics.Root);
            return;
        }
        var tag = new EntityTagHeaderValue($"\"{info.Length}-{ReloadingFile<object>.MtimeNs(info)}\"");
        bool settled = time.GetUtcNow() - info.LastWriteTimeUtc > StillWriting;
        context.Response.Headers.CacheControl = settled ? "max-age=1800" : "no-cache";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        var type = info.Extension switch
        {
            ".webm" => "video/webm",
            ".mkv" => "video/x-matroska",
            _ => "application/octet-stream",
        };
        await Results.File(info.FullName, type, lastModified: info.LastWriteTimeUtc, entityTag: tag, enableRangeProcessing: true)
                     .ExecuteAsync(context);
    }
}
