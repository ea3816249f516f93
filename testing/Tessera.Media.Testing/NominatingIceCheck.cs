using Tessera.Media.Ice;
using Tessera.Media.Sdp;
using Tessera.Media.Stun;

namespace Tessera.Media.Testing;

/// <summary>The Binding request a controlling browser sends to an ICE-lite server, nominating the pair at once.</summary>
public static class NominatingIceCheck
{
    /// <summary>Peer-reflexive type preference 110 (RFC 8445 §7.1.1 asks for the prflx priority), component 1.</summary>
    public const uint Priority = 1845501695;

    /// <summary>Any tie-breaker will do: an ICE-lite server is always controlled.</summary>
    public const ulong TieBreaker = 7;

    /// <summary>
    /// USERNAME "server-ufrag:our-ufrag", PRIORITY, ICE-CONTROLLING, USE-CANDIDATE, MESSAGE-INTEGRITY keyed
    /// with the server's ice-pwd, FINGERPRINT (RFC 8445 §7.2.2).
    /// </summary>
    public static byte[] Request(RemoteTransport server, IceCredentials local, ReadOnlySpan<byte> transactionId) =>
        new StunMessageBuilder(StunMessageType.BindingRequest, transactionId)
            .AddUsername($"{server.IceUfrag}:{local.Ufrag}").AddPriority(Priority).AddIceControlling(TieBreaker).AddUseCandidate()
            .AddMessageIntegrity(server.IcePassword).AddFingerprint().ToArray();
}
