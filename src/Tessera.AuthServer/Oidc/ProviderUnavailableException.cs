namespace Tessera.AuthServer.Oidc;

/// <summary>The provider could not be reached, or answered with something that is not usable: a 502 page, never a login.</summary>
public sealed class ProviderUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
