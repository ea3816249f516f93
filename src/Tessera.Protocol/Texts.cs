namespace Tessera.Protocol;

/// <summary>The human texts of the protocol that clients and tests compare (protocol.md, auth.md).</summary>
public static class Texts
{
    public const string NotAuthorised = "not authorised";
    public const string UsernameRequired = "username required";
    public const string UsernameTaken = "not authorised: this username is taken";
    public const string NoSuchGroup = "group does not exist";
    public const string IllegalGroupName = "illegal group name";
    public const string Locked = "this group is locked";
    public const string NotOpenYet = "this group is not open yet";
    public const string Closed = "this group is closed";
    public const string NoOperators = "there are no operators in this group";
    public const string TooManyUsers = "too many users";
    public const string InternalError = "internal server error";
    public const string JoinFirst = "join a group first";
    public const string ShuttingDown = "server is shutting down";

    /// <summary>A throttled join: says why and for how long, so it is never mistaken for a wrong credential.</summary>
    public static string TooManyAttempts(TimeSpan wait) =>
        $"too many failed attempts from your address; try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} s";

    public const string TooManyMessages = "you are sending messages too fast; some were not delivered";
    public const string TooManyFileTransferMessages = "you are setting up file transfers too fast; some may fail";
    public const string UsernameTooLong = "this username is too long";

    public static string MessageTooLong(int bytes, int limit) =>
        $"message too long ({bytes} bytes; at most {limit}); it was not delivered";

    public const string TooManyAttemptsError = "too-many-attempts";
    public const string NeedUsernameError = "need-username";
    public const string DuplicateUsernameError = "duplicate-username";
}
