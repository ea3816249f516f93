namespace Tessera.Protocol.Config;

/// <summary>One ICE server with fixed credentials that the host adds to every <c>rtcConfiguration</c> (the built-in TURN server).</summary>
public sealed record IceServerEntry(IReadOnlyList<string> Urls, string Username, string Credential);
