namespace Tessera.AuthServer.Backends;

/// <summary>A back end failed to answer; the request gets a 5xx, never a silent refusal or fall-through.</summary>
public sealed class BackendException(string message, Exception? inner = null) : Exception(message, inner);
