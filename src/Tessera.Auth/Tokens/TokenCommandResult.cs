namespace Tessera.Auth.Tokens;

/// <summary>
/// Reply to a token command (protocol.md §9): a token (<c>maketoken</c>, <c>edittoken</c>), a list
/// (<c>listtokens</c>), a refusal (<c>error: not-authorised</c>) or an error text (<c>error</c>
/// with the text as <c>value</c>).
/// </summary>
public sealed record TokenCommandResult
{
    public StatefulToken? Token { get; private init; }
    public IReadOnlyList<StatefulToken>? Tokens { get; private init; }
    public bool NotAuthorised { get; private init; }
    public string? Error { get; private init; }

    public bool Success => !NotAuthorised && Error is null;

    internal static TokenCommandResult Of(StatefulToken token) => new() { Token = token };
    internal static TokenCommandResult Of(IReadOnlyList<StatefulToken> tokens) => new() { Tokens = tokens };
    internal static TokenCommandResult Refused() => new() { NotAuthorised = true };
    internal static TokenCommandResult Failed(string error) => new() { Error = error };
}
