namespace Tessera.Ctl.Admin;

/// <summary>A mistake or failure to report as one line on stderr, with exit code 1 (as galenectl's fatal errors).</summary>
public sealed class CtlException(string message) : Exception(message);
