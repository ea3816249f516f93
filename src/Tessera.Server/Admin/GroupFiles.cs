using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Auth.Files;
using Tessera.Auth.Tokens;
using Tessera.Protocol.Descriptions;

namespace Tessera.Server.Admin;

/// <summary>A group file as the API sees it: its JSON object and its entity tag.</summary>
public sealed record GroupFile(JsonObject Json, string Tag);

/// <summary>Why an edit of a group file was not made; mapped to an HTTP status by the caller.</summary>
public sealed class GroupEditException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>
/// Reads and rewrites group description files for the API. The file is edited as JSON, so fields
/// the edit does not touch (their order, legacy user lists) stay as the administrator wrote them;
/// the result is parsed by the server's own strict reader before it replaces the file, so the API
/// can never leave a group unreadable. One lock serialises read-check-write: two writers holding
/// the same entity tag cannot both succeed, and the rename makes every write whole.
/// </summary>
public sealed class GroupFiles(GroupDescriptionStore store)
{
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateFolder = PrivateFile | UnixFileMode.UserExecute;
    private readonly Lock _writeLock = new();

    /// <exception cref="ArgumentException">The name breaks the group-name rule, so it could lead out of the groups folder.</exception>
    public string PathOf(string group) =>
        Tessera.Auth.GroupNames.IsValid(group)
            ? Path.Combine(store.GroupsDirectory, group + ".json")
            : throw new ArgumentException($"illegal group name '{group}'", nameof(group));

    /// <summary>The file of exactly this group (not an ancestor's), or null when there is none.</summary>
    /// <exception cref="GroupEditException">The file is not a JSON object (500: the server cannot use it either).</exception>
    public GroupFile? Read(string group)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(PathOf(group));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        JsonObject? json;
        try
        {
            json = JsonNode.Parse(bytes) as JsonObject;
        }
        catch (JsonException e)
        {
            throw new GroupEditException(StatusCodes.Status500InternalServerError, $"the group file is not valid JSON: {e.Message}");
        }
        return json is null
            ? throw new GroupEditException(StatusCodes.Status500InternalServerError, "the group file is not a JSON object")
            : new GroupFile(json, TokenStore.ContentTag(bytes));
    }

    /// <summary>
    /// Applies <paramref name="edit"/> to the current file (null when absent; its JSON may be changed
    /// in place) under the lock. The edit checks its own preconditions, since whether a resource
    /// exists depends on what it names in the file; an edit that returns null deletes the file.
    /// </summary>
    /// <returns>Whether the file existed before.</returns>
    /// <exception cref="GroupEditException">Precondition failed (412), nothing to edit (404), or the result is invalid (400).</exception>
    public bool Edit(string group, Func<GroupFile?, JsonObject?> edit)
    {
        lock (_writeLock)
        {
            var current = Read(group);
            var updated = edit(current);
            var path = PathOf(group);
            if (updated is null)
            {
                if (current is null) throw new GroupEditException(StatusCodes.Status404NotFound, "no such group");
                File.Delete(path);
                return true;
            }
            var bytes = JsonSerializer.SerializeToUtf8Bytes(updated, WriteOptions);
            try
            {
                GroupDescriptionReader.Parse(bytes);
            }
            catch (InvalidDataException e)
            {
                throw new GroupEditException(StatusCodes.Status400BadRequest, e.Message);
            }
            var folder = Path.GetDirectoryName(path)!;
            if (!Directory.Exists(folder))
            {
                if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
                else Directory.CreateDirectory(folder, PrivateFolder);
            }
            var before = current is null ? DateTime.MinValue : File.GetLastWriteTimeUtc(path);
            AtomicFile.Write(path, stream =>
            {
                stream.Write(bytes);
                stream.WriteByte((byte)'\n');
            }, PrivateFile);
            // The server notices changes by size and modification time; a rewrite of the same size
            // within one tick of the file system's clock would otherwise go unnoticed.
            if (File.GetLastWriteTimeUtc(path) <= before) File.SetLastWriteTimeUtc(path, before.AddTicks(10));
            return current is not null;
        }
    }

    /// <summary>Throws the 412 of http.md §10.3 unless the request's preconditions accept <paramref name="tag"/>.</summary>
    public static void Require(HttpRequest request, string? tag)
    {
        if (AdminHttp.Precondition(request, tag) is not null)
            throw new GroupEditException(StatusCodes.Status412PreconditionFailed, "precondition failed");
    }

    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
