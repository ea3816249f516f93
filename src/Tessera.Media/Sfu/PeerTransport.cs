using Tessera.Media.Dtls;
using Tessera.Media.Ice;
using Tessera.Media.Rtcp;
using Tessera.Media.Sdp;
using Tessera.Media.Srtp;

namespace Tessera.Media.Sfu;

/// <summary>
/// The secure transport of one peer connection: an ICE-lite agent on the shared endpoint, the DTLS
/// server handshake checked against the remote fingerprint, and the SRTP contexts it yields.
/// Decrypted RTP and parsed RTCP are raised on the endpoint's receive thread; sending is thread-safe.
/// </summary>
public sealed class PeerTransport : IRtpSink, IDisposable
{
    private readonly DtlsCertificate _certificate;
    private readonly object _sendGate = new();
    private DtlsServerSession? _dtls;
    private SrtpContext? _outgoing;
    private volatile SrtpContext? _incoming;
    private int _state;

    public PeerTransport(IceUdpEndpoint endpoint, DtlsCertificate certificate)
    {
        _certificate = certificate;
        Ice = endpoint.CreateAgent();
        Local = new LocalTransport(Ice.Local, certificate.Fingerprint, endpoint.Candidates);
        Ice.MediaReceived = OnMedia;
        Ice.Closed += _ => Fail("ICE consent expired");
    }

    public IceLiteAgent Ice { get; }
    public LocalTransport Local { get; private set; }
    public PeerTransportState State => (PeerTransportState)Volatile.Read(ref _state);
    public SrtpProfile? Profile { get; private set; }
    public string? FailureReason { get; private set; }

    /// <summary>Raised once when media can flow.</summary>
    public event Action<PeerTransport>? Connected;

    /// <summary>Raised once on failure or close.</summary>
    public event Action<PeerTransport>? Closed;

    /// <summary>A decrypted RTP packet (valid only during the call).</summary>
    public PacketHandler? RtpReceived { get; set; }

    public Action<IReadOnlyList<RtcpPacket>>? RtcpReceived { get; set; }

    /// <summary>Applies the remote ICE credentials and fingerprint and waits for the browser's DTLS handshake.</summary>
    public void Start(RemoteTransport remote)
    {
        if (Interlocked.CompareExchange(ref _state, (int)PeerTransportState.Connecting, (int)PeerTransportState.New) != (int)PeerTransportState.New)
            return; // already started: renegotiations keep the transport
        Ice.RemoteUfrag = remote.IceUfrag;
        _remoteFingerprint = remote.Fingerprint;
        var dtls = new DtlsServerSession(_certificate, remote.Fingerprint, d => Ice.Send(d.Span));
        _dtls = dtls;
        Ice.DtlsReceived = p => dtls.Deliver(p);
        var handshake = dtls.HandshakeAsync();
        handshake.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully)
                OnKeys(t.Result);
            else
                Fail(Reason(t));
        }, TaskScheduler.Default);
        // The handshake outcome is settled before Closed completes, so a refusal keeps its reason.
        _ = dtls.Closed.ContinueWith(_ => Fail(handshake.IsFaulted ? Reason(handshake) : "DTLS closed"), TaskScheduler.Default);
    }

    /// <summary>
    /// Applies a later remote description (renegotiation). A changed remote ufrag is an ICE restart:
    /// we take new credentials too (see <see cref="Local"/>). A changed fingerprint is refused, since
    /// DTLS is not redone on an established transport.
    /// </summary>
    public void Update(RemoteTransport remote, bool restartIce = false)
    {
        if (State == PeerTransportState.New)
        {
            Start(remote);
            if (!restartIce)
                return;
        }
        if (_remoteFingerprint is not null && !_remoteFingerprint.Equals(remote.Fingerprint))
            throw new InvalidOperationException("the remote DTLS fingerprint changed");
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
        var fresh = Ice.Restart(null);
        Local = Local with { Ice = fresh };
    }

    private DtlsFingerprint? _remoteFingerprint;

    private static string Reason(Task t) => t.Exception?.InnerException?.Message ?? "DTLS failed";

    private void OnKeys(DtlsSrtpKeys keys)
    {
        var (outgoing, incoming) = keys.CreateServerContexts();
        lock (_sendGate)
            _outgoing = outgoing;
        _incoming = incoming;
        Profile = keys.Profile;
        if (Interlocked.CompareExchange(ref _state, (int)PeerTransportState.Connected, (int)PeerTransportState.Connecting) == (int)PeerTransportState.Connecting)
            Connected?.Invoke(this);
    }

    private void OnMedia(Span<byte> packet)
    {
        var incoming = _incoming;
        if (incoming is null)
            return;
        if (RtcpPacketType.IsRtcp(packet))
        {
            if (incoming.UnprotectRtcp(packet, packet.Length, out int length) == SrtpStatus.Ok
                && RtcpCompound.TryParse(packet[..length], out var packets))
                RtcpReceived?.Invoke(packets);
        }
        else if (incoming.UnprotectRtp(packet, packet.Length, out int length) == SrtpStatus.Ok)
        {
            RtpReceived?.Invoke(packet[..length]);
        }
    }

    public bool SendRtp(Span<byte> buffer, int length)
    {
        lock (_sendGate)
        {
            if (_outgoing is null || State != PeerTransportState.Connected || length + _outgoing.Profile.RtpOverhead() > buffer.Length)
                return false;
            int protectedLength = _outgoing.ProtectRtp(buffer, length);
            return Ice.Send(buffer[..protectedLength]);
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
