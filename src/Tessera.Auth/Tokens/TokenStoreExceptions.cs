namespace Tessera.Auth.Tokens;

/// <summary>The token does not exist. The message is the platform's not-found text Galène reports.</summary>
public sealed class TokenNotFoundException() : Exception("file does not exist");

/// <summary>The store changed since the entity tag the caller holds.</summary>
public sealed class TokenTagMismatchException() : Exception("tag mismatch");

/// <summary>A token with this string already exists (new tokens never overwrite).</summary>
public sealed class TokenExistsException() : Exception("token exists");
