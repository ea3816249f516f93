using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Auth.Passwords;
using Tessera.Auth.Permissions;

namespace Tessera.Server.Admin;

/// <summary>A group's user list, its user entries and their passwords (http.md §10.4).</summary>
public sealed class UserResource(GroupFiles files)
{
    /// <summary>The API's POSTed passwords: bcrypt at Galène's cost.</summary>
    public const int PostedPasswordCost = 8;

    /// <summary>Beyond Galène, in a stable (ordinal) order.</summary>
    public async Task ListAsync(HttpContext context, AdminPath path)
    {
        var file = files.Read(path.Group) ?? throw GroupResource.NotFound();
        if (AdminHttp.Precondition(context.Request, file.Tag) is { } status)
        {
            context.Response.StatusCode = status;
            return;
        }
        var names = ((file.Json["users"] as JsonObject)?.Select(p => p.Key) ?? []).Order(StringComparer.Ordinal);
        await AdminHttp.WriteJsonAsync(context, new JsonArray([.. names.Select(n => JsonValue.Create(n))]), file.Tag);
    }

    public async Task HandleAsync(HttpContext context, AdminPath path, bool writable)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
        {
            var file = files.Read(path.Group) ?? throw GroupResource.NotFound();
            var entry = Entry(file.Json, path) ?? throw GroupResource.NotFound();
            // A user shares the tag of its group's file, but only while it exists.
            if (AdminHttp.Precondition(context.Request, file.Tag) is { } status)
            {
                context.Response.StatusCode = status;
                return;
            }
            var shown = new JsonObject();
            if (entry["permissions"] is { } permissions) shown["permissions"] = permissions.DeepClone();
            await AdminHttp.WriteJsonAsync(context, shown, file.Tag);
            return;
        }

        AdminApi.RequireWritable(writable);
        if (HttpMethods.IsPut(method))
        {
            var body = await AdminHttp.ReadObjectAsync(context);
            var permissions = ValidPermissions(body);
            var created = false;
            files.Edit(path.Group, current =>
            {
                if (current is null) throw GroupResource.NotFound();
                var old = Entry(current.Json, path);
                GroupFiles.Require(context.Request, old is null ? null : current.Tag);
                created = old is null;
                var updated = new JsonObject();
                if (old?["password"] is { } password) updated["password"] = password.DeepClone();
                if (permissions is not null) updated["permissions"] = permissions.DeepClone();
                SetEntry(current.Json, path, updated);
                return current.Json;
            });
            AdminHttp.NoContent(context, created);
            return;
        }
        files.Edit(path.Group, current =>
        {
            if (current is null || Entry(current.Json, path) is null) throw GroupResource.NotFound();
            GroupFiles.Require(context.Request, current.Tag);
            SetEntry(current.Json, path, null);
            return current.Json;
        });
        AdminHttp.NoContent(context, created: false);
    }

    /// <summary>PUT stores a password value verbatim, POST hashes a text body, DELETE removes it (the entry stays).</summary>
    public async Task PasswordAsync(HttpContext context, AdminPath path, bool writable)
    {
        AdminApi.RequireWritable(writable);
        var method = context.Request.Method;
        JsonNode? password = null;
        if (HttpMethods.IsPut(method))
        {
            var bytes = await AdminHttp.ReadBodyAsync(context, "application/json");
            try
            {
                // Parsed for validation only: what is stored is the value as sent.
                if (JsonSerializer.Deserialize<Password>(bytes, PasswordOptions) is { Kind: PasswordKind.Unknown } unknown)
                    throw new JsonException($"unknown password type '{unknown.Type}'");
                password = JsonNode.Parse(bytes);
            }
            catch (JsonException e)
            {
                throw new AdminRequestException(StatusCodes.Status400BadRequest, "not a password: " + e.Message);
            }
            if (password is null) throw new AdminRequestException(StatusCodes.Status400BadRequest, "not a password: null");
        }
        else if (HttpMethods.IsPost(method))
        {
            var bytes = await AdminHttp.ReadBodyAsync(context, "text/plain");
            string text;
            try
            {
                text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                throw new AdminRequestException(StatusCodes.Status400BadRequest, "the password is not UTF-8");
            }
            try
            {
                password = JsonSerializer.SerializeToNode(PasswordHashing.Bcrypt(text, PostedPasswordCost), PasswordOptions);
            }
            catch (ArgumentException e)
            {
                throw new AdminRequestException(StatusCodes.Status400BadRequest, e.Message);
            }
        }
        files.Edit(path.Group, current =>
        {
            if (current is null || Entry(current.Json, path) is not { } entry) throw GroupResource.NotFound();
            var updated = (JsonObject)entry.DeepClone();
            if (password is null) updated.Remove("password");
            else updated["password"] = password.DeepClone();
            SetEntry(current.Json, path, updated);
            return current.Json;
        });
        AdminHttp.NoContent(context, created: false);
    }

    /// <summary>A body of <c>{"permissions": …}</c> only; null when it has none.</summary>
    private static JsonNode? ValidPermissions(JsonObject body)
    {
        foreach (var (name, _) in body)
        {
            if (name == "password")
                throw new AdminRequestException(StatusCodes.Status400BadRequest, "'password' cannot be set here: use the .password route");
            if (name != "permissions")
                throw new AdminRequestException(StatusCodes.Status400BadRequest, $"unknown field '{name}' in a user entry");
        }
        var permissions = body["permissions"];
        switch (permissions)
        {
            case null: return null;
            case JsonValue v when v.TryGetValue<string>(out var named):
                if (!PermissionNames.NamedSets.Contains(named))
                    throw new AdminRequestException(StatusCodes.Status400BadRequest, "unknown permission");
                return permissions;
            case JsonArray a when a.All(i => i is JsonValue iv && iv.TryGetValue<string>(out _)):
                return permissions;
            default:
                throw new AdminRequestException(StatusCodes.Status400BadRequest, "permissions must be a string or an array of strings");
        }
    }

    private static JsonObject? Entry(JsonObject group, AdminPath path) => path.Slot switch
    {
        UserSlot.Wildcard => group["wildcard-user"] as JsonObject,
        UserSlot.Empty => (group["users"] as JsonObject)?[""] as JsonObject,
        _ => (group["users"] as JsonObject)?[path.Username] as JsonObject,
    };

    private static void SetEntry(JsonObject group, AdminPath path, JsonObject? entry)
    {
        if (path.Slot == UserSlot.Wildcard)
        {
            if (entry is null) group.Remove("wildcard-user");
            else group["wildcard-user"] = entry;
            return;
        }
        var name = path.Slot == UserSlot.Empty ? "" : path.Username;
        if (group["users"] is not JsonObject users)
        {
            if (entry is null) return;
            group["users"] = users = new JsonObject();
        }
        if (entry is null) users.Remove(name);
        else users[name] = entry;
    }

    private static readonly JsonSerializerOptions PasswordOptions = new() { Converters = { new PasswordJsonConverter() } };
}
