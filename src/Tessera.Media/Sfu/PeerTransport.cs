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
    public LocalTransport Local { get; }
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
        if (previous is not ((int)PeerTransportState.Failed or (int)PeerTransportState.Closed))
            Closed?.Invoke(this);
    }
}
