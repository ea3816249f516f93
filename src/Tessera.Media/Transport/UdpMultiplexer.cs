using System.Collections.Concurrent;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Tessera.Diagnostics;
using Tessera.Media.Ice;
using Tessera.Media.Stun;

namespace Tessera.Media.Transport;

/// <summary>
/// One UDP socket shared by every peer connection. Incoming datagrams are demultiplexed by their
/// first byte (RFC 7983): STUN goes to the agent named by the USERNAME's ufrag, DTLS and SRTP/SRTCP
/// to the agent whose authenticated check came from that source address.
/// One dedicated thread receives and dispatches; each wake-up reads every datagram queued (a
/// <see cref="DatagramReader"/>), and what it sends while handling them is batched and flushed once
/// they are handled (a <see cref="BatchScope"/> of its <see cref="DatagramSender"/>).
/// </summary>
public sealed class UdpMultiplexer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly UdpMultiplexerOptions _options;
    private readonly ConcurrentDictionary<string, IceLiteAgent> _byUfrag = new();
    // Keyed by the raw socket address so that routing a media packet needs no allocation.
    private readonly ConcurrentDictionary<SocketAddress, IceLiteAgent> _byAddress = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _receiveThread;
    private readonly DatagramSender _sender;
    private readonly ILogger _logger;
    private readonly LogThrottle _throttle;
    private readonly ITimer _timeoutTimer;

    private UdpMultiplexer(Socket socket, UdpMultiplexerOptions options, IReadOnlyList<IceCandidate> candidates)
    {
        _socket = socket;
        _options = options;
        _logger = options.Logger;
        _throttle = new LogThrottle(options.TimeProvider);
        _sender = new DatagramSender(socket, _logger, _throttle);
        _candidates = candidates;
        _receiveThread = new Thread(ReceiveLoop) { IsBackground = true, Name = "UDP multiplexer receive" };
        _receiveThread.Start();
        _timeoutTimer = options.TimeProvider.CreateTimer(_ => CheckTimeouts(), null, options.TimeoutCheckInterval, options.TimeoutCheckInterval);
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Whether the receive thread is still running (it ends on dispose).</summary>
    internal bool IsReceiving => _receiveThread.IsAlive;
    /// <summary>Our host candidates: the UDP ones, then any an <see cref="IceTcpListener"/> added.</summary>
    public IReadOnlyList<IceCandidate> Candidates => _candidates;
    private volatile IReadOnlyList<IceCandidate> _candidates;
    internal TimeProvider TimeProvider => _options.TimeProvider;
    internal ILogger Logger => _logger;

    /// <summary>Totals of what the peers on this socket forwarded and suffered, for monitoring.</summary>
    public MediaCounters Counters { get; } = new();

    /// <summary>Number of datagrams dropped because nothing claimed them (diagnostics).</summary>
    public long UnroutedDatagrams => Interlocked.Read(ref _unrouted);
    private long _unrouted;

    /// <summary>Number of datagrams whose handling threw (each is logged, throttled per cause).</summary>
    public long FailedDatagrams => Interlocked.Read(ref _failed);
    private long _failed;

    /// <summary>Number of failed socket receives (diagnostics).</summary>
    public long ReceiveErrors => Interlocked.Read(ref _receiveErrors);
    private long _receiveErrors;

    /// <summary>Number of datagrams the socket refused to send (diagnostics).</summary>
    public long SendErrors => _sender.Errors;

    public static UdpMultiplexer Open(UdpMultiplexerOptions? options = null)
    {
        options ??= new UdpMultiplexerOptions();
        var address = options.BindAddress;
        Socket socket;
        try
        {
            socket = Bind(address, options.Port);
        }
        catch (SocketException) when (address.Equals(IPAddress.IPv6Any))
        {
            address = IPAddress.Any; // no IPv6 on this host: IPv4 only
            socket = Bind(address, options.Port);
        }
        int port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        var addresses = options.CandidateAddresses
            ?? (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ? LocalAddresses(address) : [address]);
        var candidates = addresses
            .Select((a, i) => new IceCandidate((i + 1).ToString(), 1, IceCandidate.HostPriority(65535 - i), new IPEndPoint(a, port)))
            .ToList();
        return new UdpMultiplexer(socket, options, candidates);
    }

    private static Socket Bind(IPAddress address, int port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any))
                socket.DualMode = true;
            socket.ReceiveBufferSize = 1 << 20;
            socket.Bind(new IPEndPoint(address, port));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Non-loopback, non-link-local unicast addresses of interfaces that are up.</summary>
    private static List<IPAddress> LocalAddresses(IPAddress bind)
    {
        bool v6 = bind.AddressFamily == AddressFamily.InterNetworkV6;
        return NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses.Select(u => u.Address))
            .Where(a => !IPAddress.IsLoopback(a) && !a.IsIPv6LinkLocal
                        && (a.AddressFamily == AddressFamily.InterNetwork || (v6 && a.AddressFamily == AddressFamily.InterNetworkV6)))
            .OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1)
            .ToList();
    }

    /// <summary>
    /// Creates the agent for a new peer connection with fresh local credentials (or the given ones);
    /// the peer's DTLS and media datagrams go to <paramref name="receiver"/>.
    /// </summary>
    public IceLiteAgent CreateAgent(IPeerDatagramReceiver receiver, IceCredentials? credentials = null)
    {
        while (true)
        {
            var local = credentials ?? IceCredentials.Generate();
            var agent = new IceLiteAgent(this, receiver, local);
            if (_byUfrag.TryAdd(local.Ufrag, agent))
                return agent;
            if (credentials is not null)
                throw new InvalidOperationException("ufrag already in use");
        }
    }

    /// <summary>Adds candidates on another transport (ICE-TCP) after the UDP ones, for connections created from now on.</summary>
    internal void Advertise(IEnumerable<IceCandidate> more) => _candidates = _candidates.Concat(more).ToList();

    /// <summary>The agent a check's USERNAME ("ourUfrag:theirs") names, for checks arriving over another transport.</summary>
    internal IceLiteAgent? AgentFor(string? username)
    {
        int colon = username?.IndexOf(':') ?? -1;
        return colon > 0 && _byUfrag.TryGetValue(username![..colon], out var agent) ? agent : null;
    }

    /// <summary>Gives an agent fresh credentials under a new unique ufrag and retires the old one.</summary>
    internal IceCredentials Rekey(IceLiteAgent agent, IceCredentials old)
    {
        IceCredentials fresh;
        do
            fresh = IceCredentials.Generate();
        while (!_byUfrag.TryAdd(fresh.Ufrag, agent));
        _byUfrag.TryRemove(new KeyValuePair<string, IceLiteAgent>(old.Ufrag, agent));
        return fresh;
    }

    /// <summary>Times out peers whose checks stopped; called by the multiplexer's timer, public for tests with a manual clock.</summary>
    public void CheckTimeouts()
    {
        var now = _options.TimeProvider.GetUtcNow();
        foreach (var agent in _byUfrag.Values)
            agent.CheckConsent(now, _options.ConsentTimeout);
    }

    /// <summary>The socket's form of an endpoint (IPv4 addresses are mapped on a dual-stack socket), for allocation-free sends.</summary>
    internal SocketAddress ToSocketAddress(IPEndPoint endPoint)
    {
        var ep = _socket.AddressFamily == AddressFamily.InterNetworkV6 && endPoint.AddressFamily == AddressFamily.InterNetwork
            ? new IPEndPoint(endPoint.Address.MapToIPv6(), endPoint.Port)
            : endPoint;
        return ep.Serialize();
    }

    /// <summary>Source addresses currently routed to some agent (for tests and diagnostics).</summary>
    internal int RoutedAddressCount => _byAddress.Count;

    internal void Remove(IceLiteAgent agent)
    {
        _byUfrag.TryRemove(new KeyValuePair<string, IceLiteAgent>(agent.Local.Ufrag, agent));
        foreach (var pair in _byAddress)
            if (ReferenceEquals(pair.Value, agent))
                _byAddress.TryRemove(pair);
    }

    internal void SendTo(ReadOnlySpan<byte> datagram, SocketAddress remote) => _sender.SendTo(datagram, remote);

    /// <summary>Opens a send batch on the calling thread, as the receive loop does around each wake-up.</summary>
    internal BatchScope BeginBatch() => _sender.BeginBatch();

    /// <summary>Room for a datagram in the send batch open on this thread (<see cref="DatagramSender.TryReserve"/>).</summary>
    internal bool TryReserveDatagram(SocketAddress remote, out Span<byte> slot) => _sender.TryReserve(remote, out slot);

    internal void CommitDatagram(int length) => _sender.Commit(length);

    // Blocking receives on a thread of our own: no thread-pool hand-off per datagram.
    private void ReceiveLoop()
    {
        using var reader = DatagramReader.TryCreate();
        if (reader is null)
            ReceiveOneAtATime();
        else
            ReceiveQueued(reader);
    }

    // One wake-up takes every datagram already queued; what handling all of them sends (their
    // fan-outs) leaves together when the scope closes, in the order it was sent.
    private void ReceiveQueued(DatagramReader reader)
    {
        var source = new SocketAddress(_socket.AddressFamily);
        while (!_stop.IsCancellationRequested)
        {
            int received = reader.Receive(_socket, out int error);
            if (received < 0)
            {
                Interlocked.Increment(ref _receiveErrors);
                _throttle.Log(_logger, LogLevel.Debug, "receive " + error, null, "UDP receive failed: {Error}", Marshal.GetPInvokeErrorMessage(error));
                continue;
            }
            using var batch = _sender.BeginBatch();
            for (int i = 0; i < received; i++)
            {
                if (reader.WasTruncated(i))
                {
                    Interlocked.Increment(ref _receiveErrors); // as a receive into a too small buffer fails
                    continue;
                }
                reader.CopySource(i, source);
                Handle(reader.Datagram(i), source);
            }
        }
    }

    private void ReceiveOneAtATime()
    {
        var buffer = new byte[DatagramReader.MaxDatagram];
        var source = new SocketAddress(_socket.AddressFamily);
        while (!_stop.IsCancellationRequested)
        {
            int received;
            try
            {
                received = _socket.ReceiveFrom(buffer, SocketFlags.None, source);
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException e)
            {
                // ICMP-induced errors (port unreachable) or the socket being shut down
                if (_stop.IsCancellationRequested)
                    break;
                Interlocked.Increment(ref _receiveErrors);
                _throttle.Log(_logger, LogLevel.Debug, "receive " + e.SocketErrorCode, null, "UDP receive failed: {Error}", e.SocketErrorCode);
                continue;
            }
            // What handling this datagram sends (its fan-out) leaves in one go when the scope closes.
            using var batch = _sender.BeginBatch();
            Handle(buffer.AsSpan(0, received), source);
        }
    }

    private void Handle(Span<byte> datagram, SocketAddress source)
    {
        try
        {
            Dispatch(datagram, source);
        }
        catch (Exception e)
        {
            // One bad packet or a faulty handler must not stop the multiplexer; a bug a peer can
            // trigger at will must not flood the log either.
            Interlocked.Increment(ref _failed);
            _throttle.Log(_logger, LogLevel.Error, LogThrottle.CauseOf(e), e,
                "Handling a {Length}-byte datagram from {Source} failed", datagram.Length, ToEndPoint(source));
        }
    }

    private static SocketAddress Copy(SocketAddress address)
    {
        var copy = new SocketAddress(address.Family, address.Size);
        address.Buffer.Span[..address.Size].CopyTo(copy.Buffer.Span);
        return copy;
    }

    private static IPEndPoint Normalize(IPEndPoint ep) =>
        ep.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(ep.Address.MapToIPv4(), ep.Port) : ep;

    private static IPEndPoint ToEndPoint(SocketAddress address)
    {
        var template = new IPEndPoint(address.Family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        return Normalize((IPEndPoint)template.Create(address));
    }

    internal void Dispatch(Span<byte> datagram, SocketAddress source)
    {
        if (datagram.IsEmpty)
            return;
        byte first = datagram[0];
        if (first <= 3)
        {
            HandleStun(datagram, source);
            return;
        }
        if (!_byAddress.TryGetValue(source, out var agent))
        {
            Interlocked.Increment(ref _unrouted);
            return;
        }
        if (!agent.Deliver(datagram))
            Interlocked.Increment(ref _unrouted);
    }

    private void HandleStun(Span<byte> datagram, SocketAddress rawSource)
    {
        if (!StunMessage.TryParse(datagram, out var message) || message!.Type != StunMessageType.BindingRequest)
            return; // we send no requests, so responses and indications are ignored
        string? username = message.Username;
        int colon = username?.IndexOf(':') ?? -1;
        if (colon <= 0 || !_byUfrag.TryGetValue(username![..colon], out var agent))
        {
            Interlocked.Increment(ref _unrouted);
            return;
        }
        var source = ToEndPoint(rawSource);
        var response = agent.HandleBindingRequest(message, source, out bool validated);
        if (validated)
        {
            var address = Copy(rawSource);
            _byAddress[address] = agent;
            if (agent.Latch(address) is { } evicted)
                _byAddress.TryRemove(new KeyValuePair<SocketAddress, IceLiteAgent>(evicted, agent));
        }
        if (response is not null)
            SendTo(response, rawSource);
    }

    public async ValueTask DisposeAsync()
    {
        _timeoutTimer.Dispose();
        _stop.Cancel();
        _socket.Dispose(); // unblocks the receive thread
        bool stopped = await Task.Run(() => _receiveThread.Join(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        foreach (var agent in _byUfrag.Values)
            agent.Dispose();
        if (stopped)
            _sender.Dispose(); // otherwise its batch is leaked rather than freed under a running thread
        _stop.Dispose();
    }
}
