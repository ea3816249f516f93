using System.Net;
using System.Net.Sockets;
using Tessera.Media.Stun;
using Tessera.Media.Transport;

namespace Tessera.Media.Turn;

/// <summary>
/// One allocation (RFC 8656 §2.2): a relay socket of its own, the client 5-tuple it belongs to,
/// the peers it may exchange data with (permissions, RFC 8656 §9) and its channels (§12).
/// Data from a permitted peer goes to the client as ChannelData when the peer has a channel,
/// otherwise as a Data indication; anything else arriving on the relay socket is dropped.
/// </summary>
internal sealed class Allocation : IDisposable, IPollTarget
{
    /// <summary>RFC 8656 §9: a permission lasts 300 s unless refreshed; §12: a channel 600 s.</summary>
    public static readonly TimeSpan PermissionLifetime = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan ChannelLifetime = TimeSpan.FromMinutes(10);

    private readonly Socket _relay;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly Dictionary<IPAddress, Permission> _permissions = new();
    private readonly Dictionary<ushort, ChannelBinding> _channelsByNumber = new();
    private readonly Dictionary<SocketAddress, ChannelBinding> _channelsByPeer = new();
    private readonly CancellationTokenSource _stop = new();
    private DateTimeOffset _expiry;
    private IDisposable? _polled;
    private SocketAddress? _pollSource;

    private readonly IReadOnlySet<int>? _allowedPorts;

    /// <param name="allowedPorts">Peer ports data may go to and come from; null: any (see <see cref="TurnServerOptions.AllowedPeerPorts"/>).</param>
    public Allocation(TurnClient client, Socket relay, IPEndPoint relayed, TimeSpan lifetime, TimeProvider time, ReadOnlySpan<byte> transactionId,
        IReadOnlySet<int>? allowedPorts = null)
    {
        _allowedPorts = allowedPorts;
        Client = client;
        _relay = relay;
        _time = time;
        Relayed = relayed;
        _expiry = time.GetUtcNow() + lifetime;
        AllocateTransactionId = transactionId.ToArray();
    }

    public TurnClient Client { get; }

    /// <summary>The relayed transport address told to the client (the public one behind a NAT).</summary>
    public IPEndPoint Relayed { get; }

    /// <summary>The Allocate request that made it: a retransmission of it gets the same success again.</summary>
    public byte[] AllocateTransactionId { get; }

    /// <summary>Data relayed in either direction (diagnostics and the benchmark).</summary>
    public long RelayedPackets => Interlocked.Read(ref _relayedPackets);
    private long _relayedPackets;

    public DateTimeOffset Expiry
    {
        get { lock (_gate) return _expiry; }
    }

    public bool IsExpired(DateTimeOffset now)
    {
        lock (_gate) return now >= _expiry;
    }

    public void Refresh(TimeSpan lifetime)
    {
        lock (_gate) _expiry = _time.GetUtcNow() + lifetime;
    }

    /// <summary>Installs or refreshes a permission; false when the allocation already holds <paramref name="max"/> others.</summary>
    public bool Permit(IPAddress peer, int max)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (!_permissions.TryGetValue(peer, out var permission))
            {
                DropExpired(now);
                if (_permissions.Count >= max)
                    return false;
                _permissions[peer] = permission = new Permission();
            }
            permission.Expiry = now + PermissionLifetime;
            return true;
        }
    }

    /// <summary>
    /// Binds (or refreshes) a channel to a peer, which also refreshes the peer's permission (RFC 8656 §12.2).
    /// </summary>
    public ChannelBindResult BindChannel(ushort channel, IPEndPoint peer, int maxPermissions)
    {
        var address = peer.Serialize();
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            _channelsByNumber.TryGetValue(channel, out var byNumber);
            _channelsByPeer.TryGetValue(address, out var byPeer);
            if (byNumber is not null && !ReferenceEquals(byNumber, byPeer) && byNumber.Expiry > now)
                return ChannelBindResult.ChannelTaken;
            if (byPeer is not null && byPeer.Channel != channel && byPeer.Expiry > now)
                return ChannelBindResult.PeerTaken;
            if (!_permissions.TryGetValue(peer.Address, out var permission))
            {
                DropExpired(now);
                if (_permissions.Count >= maxPermissions)
                    return ChannelBindResult.TooManyPermissions;
                _permissions[peer.Address] = permission = new Permission();
            }
            permission.Expiry = now + PermissionLifetime;
            if (byNumber is null || !ReferenceEquals(byNumber, byPeer))
            {
                // A stale binding of either side (past its lifetime) is replaced.
                if (byNumber is not null) _channelsByPeer.Remove(byNumber.PeerAddress);
                if (byPeer is not null) _channelsByNumber.Remove(byPeer.Channel);
                var binding = new ChannelBinding(channel, address, permission);
                _channelsByNumber[channel] = binding;
                _channelsByPeer[address] = binding;
                byNumber = binding;
            }
            byNumber.Expiry = now + ChannelLifetime;
            return ChannelBindResult.Bound;
        }
    }

    private void DropExpired(DateTimeOffset now)
    {
        foreach (var (peer, permission) in _permissions)
            if (permission.Expiry <= now)
                _permissions.Remove(peer);
        foreach (var (number, binding) in _channelsByNumber)
            if (binding.Expiry <= now)
            {
                _channelsByNumber.Remove(number);
                _channelsByPeer.Remove(binding.PeerAddress);
            }
    }

    /// <summary>Send indication: to <paramref name="peer"/> if a permission allows it; dropped otherwise (RFC 8656 §11.2).</summary>
    public void SendToPeer(IPEndPoint peer, ReadOnlySpan<byte> data)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (!_permissions.TryGetValue(peer.Address, out var permission) || permission.Expiry <= now)
                return;
        }
        Relay(data, peer.Serialize());
    }

    /// <summary>ChannelData from the client: to the channel's peer while the channel and its permission last.</summary>
    public void SendOnChannel(ushort channel, ReadOnlySpan<byte> data)
    {
        var now = _time.GetUtcNow();
        ChannelBinding? binding;
        lock (_gate)
        {
            if (!_channelsByNumber.TryGetValue(channel, out binding) || binding.Expiry <= now || binding.Permission.Expiry <= now)
                return;
        }
        Relay(data, binding.PeerAddress);
    }

    private void Relay(ReadOnlySpan<byte> data, SocketAddress peer)
    {
        try
        {
            _relay.SendTo(data, SocketFlags.None, peer);
            Interlocked.Increment(ref _relayedPackets);
        }
        catch (SocketException)
        {
            // lost like any UDP datagram
        }
        catch (ObjectDisposedException)
        {
            // the allocation expired meanwhile
        }
    }

    /// <summary>
    /// Starts relaying what peers send: on the client's poller thread when it has one (UDP clients),
    /// otherwise with a receive loop of its own on the thread pool.
    /// </summary>
    public void Start()
    {
        if (Client.Poller is { } poller)
        {
            _pollSource = new SocketAddress(_relay.AddressFamily);
            _polled = poller.Add(_relay, this);
        }
        else
        {
            _ = RelayFromPeersAsync();
        }
    }

    void IPollTarget.OnReadable(byte[] scratch)
    {
        int received;
        try
        {
            received = _relay.ReceiveFrom(scratch.AsSpan(ChannelData.HeaderLength), SocketFlags.None, _pollSource!); // within the headroom
        }
        catch (SocketException)
        {
            return; // nothing left, or an ICMP error for an earlier send
        }
        catch (ObjectDisposedException)
        {
            return;
        }
        FromPeer(scratch, received, _pollSource!);
    }

    private async Task RelayFromPeersAsync()
    {
        // Room in front for the ChannelData header, so data is forwarded without a copy.
        var buffer = new byte[ChannelData.HeaderLength + 65536];
        var source = new SocketAddress(_relay.AddressFamily);
        while (!_stop.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await _relay.ReceiveFromAsync(buffer.AsMemory(ChannelData.HeaderLength), SocketFlags.None, source, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // an ICMP error for an earlier send
            }
            FromPeer(buffer, received, source);
        }
    }

    private void FromPeer(byte[] buffer, int length, SocketAddress source)
    {
        var now = _time.GetUtcNow();
        ChannelBinding? binding;
        lock (_gate)
        {
            if (_channelsByPeer.TryGetValue(source, out binding) && (binding.Expiry <= now || binding.Permission.Expiry <= now))
                binding = null;
        }
        if (binding is not null)
        {
            ChannelData.WriteHeader(buffer, binding.Channel, length);
            Client.SendChannelData(buffer.AsSpan(0, ChannelData.HeaderLength + length));
            Interlocked.Increment(ref _relayedPackets);
            return;
        }
        var template = new IPEndPoint(source.Family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        var peer = (IPEndPoint)template.Create(source);
        if (_allowedPorts is { } ports && !ports.Contains(peer.Port))
            return;
        lock (_gate)
        {
            if (!_permissions.TryGetValue(peer.Address, out var permission) || permission.Expiry <= now)
                return; // no permission: dropped (RFC 8656 §10)
        }
        var transaction = StunMessageBuilder.NewTransactionId();
        var indication = new StunMessageBuilder(new StunMessageType(StunMethod.Data, StunClass.Indication), transaction)
            .Add(TurnAttributeType.XorPeerAddress, TurnMessages.EncodeAddress(peer, transaction))
            .Add(TurnAttributeType.Data, buffer.AsSpan(ChannelData.HeaderLength, length))
            .ToArray();
        Client.Send(indication);
        Interlocked.Increment(ref _relayedPackets);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _polled?.Dispose(); // before the socket closes: its descriptor may be reused at once
        _relay.Dispose();
    }

    private sealed class Permission
    {
        public DateTimeOffset Expiry;
    }

    private sealed class ChannelBinding(ushort channel, SocketAddress peerAddress, Permission permission)
    {
        public ushort Channel { get; } = channel;
        public SocketAddress PeerAddress { get; } = peerAddress;
        public Permission Permission { get; } = permission;
        public DateTimeOffset Expiry;
    }
}

internal enum ChannelBindResult
{
    Bound,
    ChannelTaken,
    PeerTaken,
    TooManyPermissions,
}
