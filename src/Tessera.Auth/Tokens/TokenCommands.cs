using System.Text.Json;
using Tessera.Auth.Permissions;

namespace Tessera.Auth.Tokens;

/// <summary>
/// The WebSocket token commands <c>maketoken</c>, <c>edittoken</c>, <c>listtokens</c>
/// (protocol.md §9): permission checks, validation of the client's <c>value</c>, and the store
/// operation. The server only maps the result to a <c>usermessage</c>.
/// </summary>
public sealed class TokenCommands(ITokenStore store, TimeProvider time)
{
    public const string BadTokenValue = "bad token value";
    public const string BadStringValue = "bad string value";
    public const string BadStringList = "bad string list";
    public const string BadTimeValue = "bad time value";
    public const string ClientSpecifiedToken = "client specified token";
    public const string WrongGroup = "wrong group in token";
    public const string UsernameTaken = "that username is taken";
    public const string DoesNotExpire = "token doesn't expire";
    public const string CannotBeEdited = "this field cannot be edited";
    public const string NotFound = "file does not exist";
    public const string TagMismatch = "tag mismatch";

    /// <summary><c>maketoken</c>: the sender needs <c>token</c>; the server picks the string.</summary>
    public TokenCommandResult MakeToken(JsonElement value, TokenSender sender)
    {
        if (!sender.Holds(PermissionNames.Token)) return TokenCommandResult.Refused();
        var now = time.GetUtcNow();
        if (!TokenRequest.TryRead(value, now, out var request, out var error)) return TokenCommandResult.Failed(error!);

        if (request.Has("token")) return TokenCommandResult.Failed(ClientSpecifiedToken);
        if (request.Group != sender.Group) return TokenCommandResult.Failed(WrongGroup);
        if (request.Expires is null) return TokenCommandResult.Failed(DoesNotExpire);
        if (request.Username is not null && sender.IsConfiguredUser(request.Username)) return TokenCommandResult.Failed(UsernameTaken);
        if (request.Permissions is { } wanted && wanted.Any(p => !sender.Holds(p))) return TokenCommandResult.Refused();

        var token = new StatefulToken
        {
            Token = TokenStrings.New(),
            Group = sender.Group,
            Username = request.Username,
            Permissions = request.Permissions ?? [],
            Expires = request.Expires,
            NotBefore = request.NotBefore,
            IssuedAt = now.ToUniversalTime(),
            IssuedBy = sender.Username == "" ? null : sender.Username,
        };
        try
        {
            return TokenCommandResult.Of(store.Create(token));
        }
        catch (IOException e)
        {
            return TokenCommandResult.Failed(e.Message);
        }
    }

    /// <summary>
    /// <c>edittoken</c>: the sender needs <c>op</c> and <c>token</c>; only the dates change.
    /// Beyond Galène, only tokens of the sender's group or its subgroups can be edited; others
    /// are reported exactly like unknown ones.
    /// </summary>
    public TokenCommandResult EditToken(JsonElement value, TokenSender sender)
    {
        if (!sender.Holds(PermissionNames.Op) || !sender.Holds(PermissionNames.Token)) return TokenCommandResult.Refused();
        var now = time.GetUtcNow();
        if (!TokenRequest.TryRead(value, now, out var request, out var error)) return TokenCommandResult.Failed(error!);
        if (request.Has("username") || request.Has("permissions") || request.IncludeSubgroups || request.Group is not (null or ""))
            return TokenCommandResult.Failed(CannotBeEdited);

        var existing = store.Get(request.Token ?? "", out var etag);
        if (existing is null || !(existing.Group == sender.Group || existing.Group.StartsWith(sender.Group + "/", StringComparison.Ordinal)))
            return TokenCommandResult.Failed(NotFound);

        var updated = existing with
        {
            Expires = request.Has("expires") ? request.Expires : existing.Expires,
            NotBefore = request.Has("not-before") ? request.NotBefore : existing.NotBefore,
        };
        try
        {
            return TokenCommandResult.Of(store.Update(updated, etag));
        }
        catch (TokenTagMismatchException)
        {
            return TokenCommandResult.Failed(TagMismatch);
        }
        catch (TokenNotFoundException)
        {
            return TokenCommandResult.Failed(NotFound);
        }
        catch (IOException e)
        {
            return TokenCommandResult.Failed(e.Message);
        }
    }

    /// <summary><c>listtokens</c>: the sender needs <c>op</c> and <c>token</c>; tokens of exactly the sender's group, by expiry.</summary>
    public TokenCommandResult ListTokens(TokenSender sender)
    {
        if (!sender.Holds(PermissionNames.Op) || !sender.Holds(PermissionNames.Token)) return TokenCommandResult.Refused();
        return TokenCommandResult.Of(store.List(sender.Group));
    }
}
