namespace Tessera.Auth.Login;

/// <summary>What a <c>join</c> (or a WHIP/admin request) presents.</summary>
/// <param name="Username">The username exactly as sent; null when the member is absent (<c>""</c> is a username).</param>
/// <param name="Password">The password; null or absent counts as <c>""</c>.</param>
/// <param name="Token">A JWT or stateful token; null or <c>""</c> means none.</param>
public sealed record JoinCredentials(string? Username, string? Password = null, string? Token = null)
{
    /// <summary>Never prints the password or token.</summary>
    public override string ToString() =>
        $"JoinCredentials(username={(Username is null ? "(absent)" : "'" + Username + "'")}, password={(Password is null ? "no" : "yes")}, token={(string.IsNullOrEmpty(Token) ? "no" : "yes")})";
}
