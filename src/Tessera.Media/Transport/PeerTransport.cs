using Microsoft.Extensions.Logging;
using Tessera.Media.Dtls;
using Tessera.Media.Ice;
using Tessera.Media.Rtcp;
using Tessera.Media.Sdp;
using Tessera.Media.Srtp;

namespace Tessera.Media.Transport;

/// <summary>
/// The secure transport of one peer connection: an ICE-lite agent on the shared UDP multiplexer, the DTLS
/// handshake (as server, or as client when the peer's answer says <c>a=setup:passive</c>) checked
/// against the remote fingerprint, and the SRTP contexts it yields.
/// It takes the peer's datagrams from its agent (<see cref="IPeerDatagramReceiver"/>) and hands
/// decrypted RTP and parsed RTCP to its <see cref="IMediaReceiver"/>, on the multiplexer's receive
/// thread; sending is thread-safe.
/// </summary>
public sealed class PeerTransport : IRtpSink, IPeerDatagramReceiver, IDisposable
{
    private readonly DtlsCertificate _certificate;
    private readonly UdpMultiplexer _multiplexer;
    private readonly IMediaReceiver _receiver;
    private readonly ILogger _logger;
    private readonly object _sendGate = new();
    private readonly object _reviveGate = new();
    private volatile IceLiteAgent _ice;
    private volatile DtlsSession? _dtls;
    private Task<DtlsSrtpKeys>? _handshake;
    private SrtpContext? _outgoing;
    private volatile SrtpContext? _incoming;
    private int _state;

    /// <param name="receiver">Takes the decrypted media: the connection that owns this transport.</param>
    public PeerTransport(UdpMultiplexer multiplexer, DtlsCertificate certificate, IMediaReceiver receiver)
    {
        _certificate = certificate;
        _multiplexer = multiplexer;
        _receiver = receiver;
        _logger = multiplexer.Logger;
        _ice = multiplexer.CreateAgent(this);
        Local = new LocalTransport(_ice.Local, certificate.Fingerprint, multiplexer.Candidates);
        Wire(_ice);
    }

    /// <summary>The current ICE agent (replaced by <see cref="TryRevive"/>).</summary>
    public IceLiteAgent Ice => _ice;

    private void Wire(IceLiteAgent agent)
    {
        agent.Closed += a =>
        {
            if (ReferenceEquals(a, _ice) && State != PeerTransportState.Closed)
            {
                _multiplexer.Counters.IceFailed();
                Fail("ICE consent expired");
            }
        };
        agent.Connected += a =>
        {
            // A revived transport is usable again once the peer's checks reach the new agent.
            if (ReferenceEquals(a, _ice) && _outgoing is not null
                && Interlocked.CompareExchange(ref _state, (int)PeerTransportState.Connected, (int)PeerTransportState.Connecting) == (int)PeerTransportState.Connecting)
                Connected?.Invoke(this);
        };
    }

    public LocalTransport Local { get; private set; }
    public PeerTransportState State => (PeerTransportState)Volatile.Read(ref _state);
    public SrtpProfile? Profile { get; private set; }

    /// <summary>Our side of the DTLS handshake, once the remote description has decided it.</summary>
    public DtlsRole? LocalDtlsRole => _dtls?.Role;
    public string? FailureReason { get; private set; }

    /// <summary>Raised when media can flow: once, and again after each successful <see cref="TryRevive"/>.</summary>
    public event Action<PeerTransport>? Connected;

    /// <summary>Raised on failure (again after a revival fails anew) or on close.</summary>
    public event Action<PeerTransport>? Closed;

    /// <summary>Applies the remote ICE credentials and fingerprint and waits for the browser's DTLS handshake.</summary>
    public void Start(RemoteTransport remote)
    {
        if (Interlocked.CompareExchange(ref _state, (int)PeerTransportState.Connecting, (int)PeerTransportState.New) != (int)PeerTransportState.New)
            return; // already started: renegotiations keep the transport
        Ice.RemoteUfrag = remote.IceUfrag;
        _remoteFingerprint = remote.Fingerprint;
        // The peer's a=setup decides (RFC 8842): "passive" leaves the client role to us.
        var role = remote.Setup == "passive" ? DtlsRole.Client : DtlsRole.Server;
        _remoteSetup = remote.Setup;
        var dtls = new DtlsSession(_certificate, remote.Fingerprint, d => Ice.Send(d.Span), role);
        _dtls = dtls; // from now on the peer's DTLS records reach it (see DtlsReceived)
        Task<DtlsSrtpKeys> handshake;
        // The session's own handshake task, which it settles before Closed completes.
        Func<Task<DtlsSrtpKeys>> sessionHandshake;
        if (role == DtlsRole.Server)
        {
            handshake = dtls.HandshakeAsync();
            sessionHandshake = () => handshake;
        }
        else
        {
            // As client we speak first, but an ICE-lite agent learns where the peer is only from
            // its first check: a ClientHello sent before that would be lost and resent a second later.
            var started = new TaskCompletionSource<Task<DtlsSrtpKeys>>(TaskCreationOptions.RunContinuationsAsynchronously);
            void Begin(IceLiteAgent _) => started.TrySetResult(dtls.HandshakeAsync());
            Ice.Connected += Begin;
            if (Ice.State == IceAgentState.Connected) Begin(Ice);
            handshake = started.Task.Unwrap();
            // Not the unwrapped task: that one completes a moment later, on the thread pool.
            sessionHandshake = () => started.Task.IsCompletedSuccessfully ? started.Task.Result : handshake;
        }
        _handshake = handshake;
        handshake.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully)
                OnKeys(t.Result);
            else
            {
                // FailureReason surfaces the message; the exception behind it only shows here.
                if (State != PeerTransportState.Closed)
                    _logger.LogDebug(t.Exception?.InnerException, "DTLS handshake of peer transport {Ufrag} failed: {Reason}", Ice.Local.Ufrag, Reason(t));
                if (State != PeerTransportState.Closed) _multiplexer.Counters.DtlsFailed();
                Fail(Reason(t));
            }
        }, TaskScheduler.Default);
        // The handshake outcome is settled before Closed completes, so a refusal keeps its reason.
        _ = dtls.Closed.ContinueWith(_ =>
        {
            var settled = sessionHandshake();
            if (!settled.IsFaulted && dtls.CloseCause is { } cause && State != PeerTransportState.Closed)
                _logger.LogDebug(cause, "DTLS of peer transport {Ufrag} closed: {Cause}", Ice.Local.Ufrag, cause.Message);
            Fail(settled.IsFaulted ? Reason(settled) : "DTLS closed");
        }, TaskScheduler.Default);
    }

    /// <summary>
    /// Applies a later remote description (renegotiation). A changed remote ufrag is an ICE restart:
    /// we take new credentials too (see <see cref="Local"/>). A changed fingerprint is refused, since
    /// DTLS is not redone on an established transport.
    /// </summary>
    public void Update(RemoteTransport remote, bool restartIce = false)
    {
        if (State == PeerTransportState.Failed && !TryRevive())
            throw new InvalidOperationException("the transport failed: " + FailureReason);
        if (State == PeerTransportState.New)
        {
            Start(remote);
            if (!restartIce)
                return;
        }
        if (_remoteFingerprint is not null && !_remoteFingerprint.Equals(remote.Fingerprint))
            throw new InvalidOperationException("the remote DTLS fingerprint changed");
        if (_remoteSetup is not null && remote.Setup != _remoteSetup && (remote.Setup == "passive" || _remoteSetup == "passive"))
            throw new InvalidOperationException("the remote DTLS role changed");
        if (!restartIce && Ice.RemoteUfrag is null)
        {
            Ice.RemoteUfrag = remote.IceUfrag; // answer to our own ICE restart
            return;
        }
        if (restartIce || remote.IceUfrag != Ice.RemoteUfrag)
        {
            var fresh = Ice.Restart(remote.IceUfrag);
            Local = Local with { Ice = fresh };
        }
    }

    /// <summary>ICE restart initiated by us (down streams): new local credentials for the next offer; the peer's ufrag comes with its answer.</summary>
    public void RestartIce()
    {
        if (State == PeerTransportState.Failed)
        {
            if (!TryRevive()) // a revived transport already has fresh credentials
                throw new InvalidOperationException("the transport failed and cannot be revived: " + FailureReason);
            return;
        }
        var fresh = Ice.Restart(null);
        Local = Local with { Ice = fresh };
    }

    private DtlsFingerprint? _remoteFingerprint;
    private string? _remoteSetup;

    /// <summary>
    /// Whether a failed transport can be brought back by an ICE restart: its ICE agent is gone
    /// (consent expired) but DTLS is intact — established, or still waiting for the handshake.
    /// </summary>
    public bool CanRevive =>
        State == PeerTransportState.Failed && _ice.State == IceAgentState.Closed
        && _dtls is { } dtls && !dtls.Closed.IsCompleted && _handshake is { IsFaulted: false, IsCanceled: false };

    /// <summary>
    /// ICE restart after the agent was closed (protocol.md §12.8): a new agent on the same multiplexer
    /// with fresh credentials (<see cref="Local"/>), keeping the DTLS association and SRTP contexts,
    /// as a browser does on an ICE restart. The transport is Connecting until the peer's checks
    /// with the new credentials arrive. False when it cannot be revived (see <see cref="CanRevive"/>).
    /// </summary>
    public bool TryRevive()
    {
        lock (_reviveGate)
        {
            if (!CanRevive)
                return false;
            var agent = _multiplexer.CreateAgent(this);
            Wire(agent);
            _ice = agent;
            Local = Local with { Ice = agent.Local };
            FailureReason = null;
            return Interlocked.CompareExchange(ref _state, (int)PeerTransportState.Connecting, (int)PeerTransportState.Failed) == (int)PeerTransportState.Failed;
        }
    }

    private static string Reason(Task t) => t.Exception?.InnerException?.Message ?? "DTLS failed";

    private void OnKeys(DtlsSrtpKeys keys)
    {
        var (outgoing, incoming) = keys.CreateContexts(_dtls!.Role);
        lock (_sendGate)
            _outgoing = outgoing;
        _incoming = incoming;
        Profile = keys.Profile;
        if (Interlocked.CompareExchange(ref _state, (int)PeerTransportState.Connected, (int)PeerTransportState.Connecting) == (int)PeerTransportState.Connecting)
            Connected?.Invoke(this);
    }

    // Records that come before Start (no DTLS session yet) are dropped: the peer retransmits.
    void IPeerDatagramReceiver.DtlsReceived(Span<byte> record) => _dtls?.Deliver(record);

    void IPeerDatagramReceiver.MediaReceived(Span<byte> packet)
    {
        var incoming = _incoming;
        if (incoming is null)
            return;
        if (RtcpPacketType.IsRtcp(packet))
        {
            if (incoming.UnprotectRtcp(packet, packet.Length, out int length) == SrtpStatus.Ok
                && RtcpCompound.TryParse(packet[..length], out var packets))
                _receiver.RtcpReceived(packets);
        }
        else if (incoming.UnprotectRtp(packet, packet.Length, out int length) == SrtpStatus.Ok)
        {
            _receiver.RtpReceived(packet[..length]);
        }
    }

    public bool SendRtp(Span<byte> buffer, int length)
    {
        lock (_sendGate)
        {
            if (_outgoing is null || State != PeerTransportState.Connected || length + _outgoing.Profile.RtpOverhead() > buffer.Length)
                return false;
            var ice = Ice;
            // On the receive thread (a batch open), protect writes straight into the datagram that
            // leaves: one copy of the packet per receiver less than protecting here and copying.
            if (ice.TryReserveDatagram(out var slot) && slot.Length >= length + _outgoing.Profile.RtpOverhead())
            {
                ice.CommitDatagram(_outgoing.ProtectRtp(buffer[..length], slot));
            }
            else
            {
                int protectedLength = _outgoing.ProtectRtp(buffer, length);
                if (!ice.Send(buffer[..protectedLength])) return false;
            }
            _multiplexer.Counters.Forwarded(length);
            return true;
        }
    }

    public void SendRtcp(IReadOnlyList<RtcpPacket> packets)
    {
        if (packets.Count == 0)
            return;
        lock (_sendGate)
        {
            if (_outgoing is null || State != PeerTransportState.Connected)
                return;
            byte[] plain = RtcpCompound.Serialize(packets);
            var buffer = new byte[plain.Length + _outgoing.Profile.RtcpOverhead()];
            plain.CopyTo(buffer, 0);
            int length = _outgoing.ProtectRtcp(buffer, plain.Length);
            Ice.Send(buffer.AsSpan(0, length));
        }
    }

    private void Fail(string reason)
    {
        int previous = Interlocked.Exchange(ref _state, (int)PeerTransportState.Failed);
        if (previous is (int)PeerTransportState.Failed or (int)PeerTransportState.Closed)
        {
            if (previous == (int)PeerTransportState.Closed)
                Volatile.Write(ref _state, (int)PeerTransportState.Closed);
            else if (FailureReason is { } first && reason != first)
                _logger.LogDebug("Peer transport {Ufrag}, failed ({FailureReason}), also: {Reason}", Ice.Local.Ufrag, FailureReason, reason);
            return;
        }
        FailureReason = reason;
        Closed?.Invoke(this);
    }

    public void Dispose()
    {
        int previous = Interlocked.Exchange(ref _state, (int)PeerTransportState.Closed);
        _dtls?.Dispose();
        Ice.Dispose();
        lock (_sendGate)
        {
            _outgoing?.Dispose();
            _outgoing = null;
        }
        // The receive loop may still hold it for one packet; a disposed context only makes that packet fail.
        var incoming = _incoming;
        _incoming = null;
        incoming?.Dispose();
        if (previous is not ((int)PeerTransportState.Failed or (int)PeerTransportState.Closed))
            Closed?.Invoke(this);
    }
}
