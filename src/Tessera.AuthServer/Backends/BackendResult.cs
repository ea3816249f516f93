namespace Tessera.AuthServer.Backends;

/// <summary>A back end's verdict on a username and password.</summary>
public abstract record BackendResult
{
    private BackendResult() { }

    /// <summary>This back end has no such user: ask the next one.</summary>
    public sealed record Unknown : BackendResult;

    /// <summary>The user exists here and the password is wrong (or the account is disabled).</summary>
    public sealed record Refused : BackendResult;

    /// <summary>
    /// Correct password. <paramref name="CanonicalName"/> is the account's name as the back end
    /// stores it (not as typed): rules and the token's <c>sub</c> use it. <paramref name="Groups"/>
    /// feed the rules' <c>members</c>; <paramref name="OwnPermissions"/> (users file only) apply
    /// when no rule matches.
    /// </summary>
    public sealed record Authenticated(string CanonicalName, IReadOnlyList<string> Groups, IReadOnlyList<string>? OwnPermissions) : BackendResult;

    public static BackendResult UnknownUser { get; } = new Unknown();
    public static BackendResult WrongPassword { get; } = new Refused();
}
