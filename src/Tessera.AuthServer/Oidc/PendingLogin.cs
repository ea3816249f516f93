namespace Tessera.AuthServer.Oidc;

/// <summary>
/// What tessera-auth must remember while the browser is at the provider: which provider, the
/// <c>state</c> and <c>nonce</c> it sent, the PKCE verifier, the group to return to, and until when.
/// Carried by the browser in an encrypted cookie (<see cref="PendingLoginCookies"/>), which sets
/// <paramref name="Serial"/>: the order sign-ins were started in, to forget the oldest.
/// </summary>
public sealed record PendingLogin(string Provider, string State, string Nonce, string CodeVerifier, string ReturnUrl, DateTimeOffset Expires,
                                  long Serial = 0);
