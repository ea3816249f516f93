using System.Text.Json.Nodes;
using Tessera.Protocol.Descriptions;

namespace Tessera.Server.Admin;

/// <summary>The group list and one group's description (http.md §10.4).</summary>
public sealed class GroupResource(GroupFiles files, GroupDescriptionStore store)
{
    /// <summary>Fields the description routes never show nor accept: they hold credentials and keys, which have routes of their own.</summary>
    public static readonly string[] CredentialFields = ["users", "wildcard-user", "authKeys", "op", "presenter", "other"];

    public Task ListAsync(HttpContext context) =>
        AdminHttp.WriteJsonAsync(context, new JsonArray([.. store.ListFileGroups().Select(n => JsonValue.Create(n))]));

    public async Task HandleAsync(HttpContext context, AdminPath path, bool writable)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
        {
            var file = files.Read(path.Group) ?? throw NotFound();
            if (AdminHttp.Precondition(context.Request, file.Tag) is { } status)
            {
                context.Response.StatusCode = status;
                return;
            }
            var shown = (JsonObject)file.Json.DeepClone();
            foreach (var field in CredentialFields) shown.Remove(field);
            await AdminHttp.WriteJsonAsync(context, shown, file.Tag);
            return;
        }

        AdminApi.RequireWritable(writable);
        if (HttpMethods.IsPut(method))
        {
            var body = await AdminHttp.ReadObjectAsync(context);
            foreach (var field in CredentialFields)
            {
                if (body.ContainsKey(field))
                    throw new AdminRequestException(StatusCodes.Status400BadRequest,
                                                    $"'{field}' cannot be set here: use the users, password and keys routes");
            }
            var existed = files.Edit(path.Group, current =>
            {
                GroupFiles.Require(context.Request, current?.Tag);
                var updated = (JsonObject)body.DeepClone();
                foreach (var field in CredentialFields)
                {
                    if (current?.Json[field] is { } kept) updated[field] = kept.DeepClone();
                }
                return updated;
            });
            AdminHttp.NoContent(context, created: !existed);
            return;
        }
        // DELETE: Beyond Galène, it needs writableGroups like every other write of a group file.
        files.Edit(path.Group, current =>
        {
            if (current is null) throw NotFound();
            GroupFiles.Require(context.Request, current.Tag);
            return null;
        });
        AdminHttp.NoContent(context, created: false);
    }

    internal static GroupEditException NotFound() => new(StatusCodes.Status404NotFound, "not found");
}
