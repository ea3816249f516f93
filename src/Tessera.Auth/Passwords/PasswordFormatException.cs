namespace Tessera.Auth.Passwords;

/// <summary>Stored password data is malformed: an error for the operator, not a mismatch (files.md §6.2).</summary>
public sealed class PasswordFormatException(string message) : Exception(message);
