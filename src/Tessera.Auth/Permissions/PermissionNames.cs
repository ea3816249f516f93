namespace Tessera.Auth.Permissions;

/// <summary>The internal permission names the server tests (files.md §7.1).</summary>
public static class PermissionNames
{
    public const string Op = "op";
    public const string Present = "present";
    public const string Message = "message";
    public const string Caption = "caption";
    public const string Token = "token";
    public const string Record = "record";
    public const string Admin = "admin";
    public const string System = "system";

    /// <summary>Names of the sets a string-valued <c>permissions</c> field may name (files.md §7.2).</summary>
    public static readonly IReadOnlySet<string> NamedSets =
        new HashSet<string>(StringComparer.Ordinal) { "op", "present", "message", "observe", "caption", "admin" };
}
