namespace Tessera.Auth.Throttling;

/// <summary>
/// One refused password as the throttle counts it: the user (folded) and the address (IPv6 per
/// /64). What nodes of a cluster tell each other; it holds no password.
/// </summary>
public sealed record SharedFailure(string UserKey, string AddressKey);
