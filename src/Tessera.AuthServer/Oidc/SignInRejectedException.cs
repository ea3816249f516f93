namespace Tessera.AuthServer.Oidc;

/// <summary>
/// The provider answered, but the answer does not sign anyone in: it refused the code (an error
/// such as <c>invalid_grant</c>), or its ID token failed validation. The message names the reason for
/// the log, never a code or token.
/// </summary>
public sealed class SignInRejectedException(string message, Exception? inner = null) : Exception(message, inner);
