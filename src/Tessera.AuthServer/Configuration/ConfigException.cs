namespace Tessera.AuthServer.Configuration;

/// <summary>The configuration cannot be used; the message tells the operator why.</summary>
public sealed class ConfigException(string message, Exception? inner = null) : Exception(message, inner);
