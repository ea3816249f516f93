using System.Net;
using System.Text;
using Tessera.Media.Stun;
using Tessera.Media.Transport;

namespace Tessera.Media.Ice;

/// <summary>
/// The ICE-lite side (RFC 8445 §2.5) of one peer connection on a shared <see cref="UdpMultiplexer"/>.
/// It answers the browser's authenticated Binding requests, latches the browser's address on the
/// first one (Chrome sends DTLS before it nominates), moves to a nominated address when USE-CANDIDATE
/// arrives, and times the peer out when checks stop (consent freshness, RFC 7675).
/// </summary>
public sealed class IceLiteAgent : IDisposable
{
    private readonly UdpMultiplexer _multiplexer;
    private byte[] _passwordKey;
    private readonly object _gate = new();
    private DateTimeOffset _lastCheck;
    private bool _nominated;
    private volatile System.Net.SocketAddress? _remoteAddress;
    // Set instead of _remoteAddress when the selected path is an ICE-TCP connection.
    private volatile IceTcpConnection? _remoteConnection;
    private readonly List<System.Net.SocketAddress> _latched = new();

    /// <summary>
    /// Source addresses one peer may have routed to it at once. A browser checks a handful of
    /// candidate pairs (host, server-reflexive, relay, per interface); past that, a peer that
    /// knows the password could otherwise make the server remember any number of addresses.
    /// </summary>
    public const int MaxLatchedAddresses = 8;

    internal IceLiteAgent(UdpMultiplexer multiplexer, IPeerDatagramReceiver receiver, IceCredentials local)
    {
        _multiplexer = multiplexer;
        Receiver = receiver;
        Local = local;
        _passwordKey = Encoding.UTF8.GetBytes(local.Password);
        _lastCheck = multiplexer.TimeProvider.GetUtcNow();
    }

    public IceCredentials Local { get; private set; }

    /// <summary>The remote ufrag from the offer; when set, USERNAME must be "localUfrag:remoteUfrag".</summary>
    public string? RemoteUfrag { get; set; }

    public IceAgentState State { get; private set; }

    /// <summary>Where we send: the latched (later nominated) remote address.</summary>
    public IPEndPoint? RemoteEndPoint { get; private set; }

    public IReadOnlyList<IceCandidate> LocalCandidates => _multiplexer.Candidates;

    /// <summary>Where the multiplexer hands the peer's DTLS and SRTP/SRTCP datagrams once this agent has routed their source.</summary>
    internal IPeerDatagramReceiver Receiver { get; }

    // The peer's datagrams come from the UDP receive thread and from each of its ICE-TCP
    // connections' reading loops; while its path moves from one to another, two of them deliver at
    // once. What is behind the receiver (the SRTP context's per-SSRC table, replay windows and
    // rollover counters; the DTLS session) is not thread-safe, so deliveries take turns. Uncontended
    // (one path at a time, the usual case) this costs one interlocked operation per packet, which
    // any hand-over between threads would cost as well.
    private readonly object _deliveryGate = new();

    /// <summary>
    /// Hands a DTLS record (first byte 20–63) or an SRTP/SRTCP packet (128–191) from the peer to the
    /// receiver, one caller at a time whatever transport it arrived on; false for anything else.
    /// </summary>
    internal bool Deliver(Span<byte> datagram)
    {
        byte first = datagram[0];
        if (first is >= 20 and <= 63)
        {
            lock (_deliveryGate)
                Receiver.DtlsReceived(datagram);
        }
        else if (first is >= 128 and <= 191)
        {
            lock (_deliveryGate)
                Receiver.MediaReceived(datagram);
        }
        else
        {
            return false;
        }
        return true;
    }

    /// <summary>Raised once when the first authenticated check latches an address.</summary>
    public event Action<IceLiteAgent>? Connected;

    /// <summary>Raised once when consent expires or the agent is disposed.</summary>
    public event Action<IceLiteAgent>? Closed;

    /// <summary>
    /// ICE restart (RFC 8445 §9): new local credentials and the peer's new ufrag. Media keeps flowing
    /// on the current path until checks with the new credentials select one.
    /// </summary>
    public IceCredentials Restart(string? remoteUfrag)
    {
        lock (_gate)
        {
            if (State == IceAgentState.Closed)
                throw new InvalidOperationException("agent closed");
            Local = _multiplexer.Rekey(this, Local);
            _passwordKey = Encoding.UTF8.GetBytes(Local.Password);
            RemoteUfrag = remoteUfrag;
            _nominated = false;
            _lastCheck = _multiplexer.TimeProvider.GetUtcNow();
            return Local;
        }
    }

    /// <summary>Whether the selected path is an ICE-TCP connection (RFC 6544) rather than UDP.</summary>
    public bool SelectedTcp => _remoteConnection is not null;

    /// <summary>Sends a datagram to the selected remote address; false when none is selected yet.</summary>
    public bool Send(ReadOnlySpan<byte> datagram)
    {
        if (_remoteConnection is { } connection)
            return State != IceAgentState.Closed && connection.Send(datagram);
        var remote = _remoteAddress;
        if (remote is null || State == IceAgentState.Closed)
            return false;
        _multiplexer.SendTo(datagram, remote);
        return true;
    }

    /// <summary>
    /// Room for a datagram to the selected UDP path in the send batch open on this thread, for a
    /// caller that writes it there once (SRTP protect) instead of building it and having it copied;
    /// <see cref="CommitDatagram"/> adds it. False over ICE-TCP, with no path selected, or with no
    /// batch open on this thread: then use <see cref="Send"/>.
    /// </summary>
    internal bool TryReserveDatagram(out Span<byte> slot)
    {
        slot = default;
        if (_remoteConnection is not null)
            return false;
        var remote = _remoteAddress;
        return remote is not null && State != IceAgentState.Closed && _multiplexer.TryReserveDatagram(remote, out slot);
    }

    /// <summary>Adds the datagram written into the slot last reserved, of <paramref name="length"/> bytes.</summary>
    internal void CommitDatagram(int length) => _multiplexer.CommitDatagram(length);

    /// <summary>Handles a Binding request addressed to our ufrag; returns the response to send (or null to stay silent).</summary>
    /// <param name="connection">The ICE-TCP connection it came over; null: UDP from <paramref name="source"/>.</param>
    internal byte[]? HandleBindingRequest(StunMessage request, IPEndPoint source, out bool validated, IceTcpConnection? connection = null)
    {
        validated = false;
        if (State == IceAgentState.Closed)
            return null;
        string username = request.Username ?? "";
        int colon = username.IndexOf(':');
        if (RemoteUfrag is not null && colon >= 0 && username[(colon + 1)..] != RemoteUfrag)
            return ErrorResponse(request, StunErrorCode.Unauthorized, withIntegrity: false);
        switch (request.CheckRequest(_passwordKey))
        {
            case StunCheckResult.MissingFingerprint:
            case StunCheckResult.BadFingerprint:
                return null; // not a valid ICE check: discard silently (RFC 8445 §7.3)
            case StunCheckResult.MissingIntegrity:
                return ErrorResponse(request, StunErrorCode.BadRequest, withIntegrity: false);
            case StunCheckResult.BadIntegrity:
                return ErrorResponse(request, StunErrorCode.Unauthorized, withIntegrity: false);
        }
        if (request.IceControlled is not null)
            return ErrorResponse(request, StunErrorCode.RoleConflict, withIntegrity: true); // a lite agent is always controlled
        var unknown = request.UnknownRequiredAttributes();
        if (unknown.Count > 0)
        {
            return new StunMessageBuilder(StunMessageType.BindingError, request.TransactionId)
                .AddErrorCode(StunErrorCode.UnknownAttribute).AddUnknownAttributes(unknown)
                .AddMessageIntegrity(_passwordKey).AddFingerprint().ToArray();
        }

        bool connectedNow = false;
        lock (_gate)
        {
            _lastCheck = _multiplexer.TimeProvider.GetUtcNow();
            bool samePath = RemoteEndPoint is not null && RemoteEndPoint.Equals(source) && ReferenceEquals(_remoteConnection, connection);
            if (RemoteEndPoint is null || (request.UseCandidate && (!_nominated || !samePath)))
            {
                RemoteEndPoint = source;
                // The UDP address first: a send racing with the switch goes on one of the two paths.
                _remoteAddress = connection is null ? _multiplexer.ToSocketAddress(source) : null;
                _remoteConnection = connection;
                _nominated |= request.UseCandidate;
            }
            if (State == IceAgentState.New)
            {
                State = IceAgentState.Connected;
                connectedNow = true;
            }
        }
        validated = true;
        if (connectedNow)
            Connected?.Invoke(this);
        return new StunMessageBuilder(StunMessageType.BindingSuccess, request.TransactionId)
            .AddXorMappedAddress(source).AddMessageIntegrity(_passwordKey).AddFingerprint().ToArray();
    }

    /// <summary>
    /// Records that <paramref name="address"/> passed a check; returns an address to forget when
    /// that makes more than <see cref="MaxLatchedAddresses"/>: the one checked least recently,
    /// never the selected one, which media is flowing to.
    /// </summary>
    internal System.Net.SocketAddress? Latch(System.Net.SocketAddress address)
    {
        lock (_gate)
        {
            var known = _latched.FindIndex(a => a.Equals(address));
            if (known >= 0) _latched.RemoveAt(known);
            _latched.Add(address);
            if (_latched.Count <= MaxLatchedAddresses) return null;
            var selected = _remoteAddress;
            var oldest = _latched.FindIndex(a => !a.Equals(selected));
            var evicted = _latched[oldest];
            _latched.RemoveAt(oldest);
            return evicted;
        }
    }

    private byte[] ErrorResponse(StunMessage request, StunErrorCode error, bool withIntegrity)
    {
        var builder = new StunMessageBuilder(StunMessageType.BindingError, request.TransactionId).AddErrorCode(error);
        if (withIntegrity)
            builder.AddMessageIntegrity(_passwordKey);
        return builder.AddFingerprint().ToArray();
    }

    /// <summary>An ICE-TCP connection closed: if media was going over it, nothing goes anywhere until a check selects another path.</summary>
    internal void ConnectionClosed(IceTcpConnection connection)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_remoteConnection, connection))
                return;
            _remoteConnection = null;
            RemoteEndPoint = null;
            _nominated = false;
        }
    }

    /// <summary>Closes the agent if no authenticated check arrived within the consent timeout.</summary>
    internal void CheckConsent(DateTimeOffset now, TimeSpan timeout)
    {
        bool expired;
        lock (_gate)
            expired = State != IceAgentState.Closed && now - _lastCheck > timeout;
        if (expired)
            Close();
    }

    private void Close()
    {
        lock (_gate)
        {
            if (State == IceAgentState.Closed)
                return;
            State = IceAgentState.Closed;
        }
        _multiplexer.Remove(this);
        Closed?.Invoke(this);
    }

    public void Dispose() => Close();
}
