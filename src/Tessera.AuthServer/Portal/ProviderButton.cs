namespace Tessera.AuthServer.Portal;

/// <summary>A "Sign in with …" button: the OpenID Connect back end's name (in its URL) and its label.</summary>
public sealed record ProviderButton(string Name, string Label);
