using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Tessera.Media.Stun;

namespace Tessera.Media.Turn;

/// <summary>
/// What the server does with one message from a client, whatever transport it came over:
/// ChannelData and Send indications are relayed; Allocate, Refresh, CreatePermission and
/// ChannelBind requests are authenticated with the long-term credential (RFC 8489 §9.2) and
/// answered (RFC 8656 §7–§12); Binding requests are answered without authentication.
/// Anything that is not a valid message is dropped without an answer.
/// </summary>
internal sealed class TurnMessageHandler
{
    private readonly TurnServerOptions _options;
    private readonly AllocationTable _allocations;
    private readonly NonceIssuer _nonces;
    private readonly LongTermCredentials _credentials;
    private readonly byte[] _realm;

    public TurnMessageHandler(TurnServerOptions options, AllocationTable allocations)
    {
        _options = options;
        _allocations = allocations;
        _credentials = options.Credentials;
        _nonces = new NonceIssuer(options.TimeProvider, options.NonceLifetime);
        _realm = Encoding.UTF8.GetBytes(_credentials.Realm);
    }

    /// <summary>Requests refused for their credentials (401, 438), for diagnostics and tests.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);
    private long _rejected;

    public void Handle(TurnClient client, ReadOnlySpan<byte> message)
    {
        if (ChannelData.IsChannelData(message))
        {
            if (ChannelData.TryParse(message, out ushort channel, out int length))
                client.Allocation?.SendOnChannel(channel, message.Slice(ChannelData.HeaderLength, length));
            return;
        }
        if (!StunMessage.TryParse(message, out var parsed))
            return;
        var stun = parsed!;
        switch (stun.Type.Class)
        {
            case StunClass.Indication when stun.Type.Method == StunMethod.Send:
                Send(client, stun, _options.AllowedPeerPorts);
                break;
            case StunClass.Request when stun.Type.Method == StunMethod.Binding:
                client.Send(Finish(stun, Success(stun, authenticated: false).AddXorMappedAddress(client.Remote), authenticated: false));
                break;
            case StunClass.Request:
                if (Authenticate(client, stun) is { } refusal)
                {
                    Interlocked.Increment(ref _rejected);
                    client.Send(refusal);
                    return;
                }
                client.Send(Answer(client, stun));
                break;
        }
    }

    private static void Send(TurnClient client, StunMessage indication, IReadOnlySet<int>? allowedPorts)
    {
        if (client.Allocation is not { } allocation
            || TurnMessages.PeerAddresses(indication) is not [var peer]
            || !indication.TryGetAttribute(TurnAttributeType.Data, out var data))
            return;
        var target = TurnMessages.Normalize(peer);
        if (allowedPorts is null || allowedPorts.Contains(target.Port))
            allocation.SendToPeer(target, data);
    }

    /// <summary>The refusal to send, or null when the request carries valid credentials.</summary>
    private byte[]? Authenticate(TurnClient client, StunMessage request)
    {
        if (!request.Has(StunAttributeType.MessageIntegrity))
            return Challenge(client, request, StunErrorCode.Unauthorized);
        if (!request.TryGetAttribute(StunAttributeType.Username, out var username)
            || !request.TryGetAttribute(TurnAttributeType.Realm, out var realm)
            || !request.TryGetAttribute(TurnAttributeType.Nonce, out var nonce))
            return Error(request, StunErrorCode.BadRequest, authenticated: false);
        if (_nonces.Check(nonce, client.Remote.Address) != NonceCheck.Valid)
            return Challenge(client, request, StunErrorCode.StaleNonce);
        // The username is compared in constant time too: it is fixed per server, like the password.
        bool known = _credentials.IsUsername(username) & realm.SequenceEqual(_realm);
        if (!known || !request.VerifyMessageIntegrity(_credentials.Key))
            return Challenge(client, request, StunErrorCode.Unauthorized);
        return null;
    }

    private byte[] Answer(TurnClient client, StunMessage request)
    {
        var unknown = request.Attributes.Select(a => a.Type).Where(t => !TurnMessages.IsUnderstood(t)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            return Finish(request, new StunMessageBuilder(Type(request, StunClass.ErrorResponse), request.TransactionId)
                .AddErrorCode(StunErrorCode.UnknownAttribute).AddUnknownAttributes(unknown), authenticated: true);
        }
        return request.Type.Method switch
        {
            StunMethod.Allocate => Allocate(client, request),
            StunMethod.Refresh => Refresh(client, request),
            StunMethod.CreatePermission => CreatePermission(client, request),
            StunMethod.ChannelBind => ChannelBind(client, request),
            _ => Error(request, StunErrorCode.BadRequest, authenticated: true),
        };
    }

    private byte[] Allocate(TurnClient client, StunMessage request)
    {
        if (client.Allocation is { } existing)
        {
            // A retransmitted Allocate (its success was lost) gets the success again (RFC 8656 §7.2).
            return existing.AllocateTransactionId.AsSpan().SequenceEqual(request.TransactionId)
                ? AllocateSuccess(client, request, existing)
                : Error(request, StunErrorCode.AllocationMismatch, authenticated: true);
        }
        if (!request.TryGetAttribute(TurnAttributeType.RequestedTransport, out var transport) || transport.Length != 4)
            return Error(request, StunErrorCode.BadRequest, authenticated: true);
        if (transport[0] != TurnAttributeType.UdpProtocol)
            return Error(request, StunErrorCode.UnsupportedTransportProtocol, authenticated: true);
        if (request.TryGetAttribute(TurnAttributeType.RequestedAddressFamily, out var family) && (family.Length != 4 || family[0] != 0x01))
            return Error(request, StunErrorCode.AddressFamilyNotSupported, authenticated: true);

        var clientAddress = client.Remote.Address;
        switch (_allocations.TryReserve(clientAddress))
        {
            case QuotaResult.ClientQuotaReached:
                return Error(request, StunErrorCode.AllocationQuotaReached, authenticated: true);
            case QuotaResult.ServerFull:
                return Error(request, StunErrorCode.InsufficientCapacity, authenticated: true);
        }
        Socket relay;
        try
        {
            relay = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            relay.Bind(new IPEndPoint(_options.RelayBindAddress, 0));
        }
        catch (SocketException e)
        {
            _allocations.Release(clientAddress);
            _options.Logger.LogWarning("TURN: no relay socket on {Address}: {Error}", _options.RelayBindAddress, e.SocketErrorCode);
            return Error(request, StunErrorCode.InsufficientCapacity, authenticated: true);
        }
        var bound = (IPEndPoint)relay.LocalEndPoint!;
        var relayed = new IPEndPoint(_options.AdvertisedRelayAddress ?? bound.Address, bound.Port);
        var allocation = new Allocation(client, relay, relayed, Lifetime(request), _options.TimeProvider, request.TransactionId,
            _options.AllowedPeerPorts);
        client.Allocation = allocation;
        _allocations.Add(allocation);
        allocation.Start();
        return AllocateSuccess(client, request, allocation);
    }

    private byte[] AllocateSuccess(TurnClient client, StunMessage request, Allocation allocation)
    {
        var left = allocation.Expiry - _options.TimeProvider.GetUtcNow();
        return Finish(request, Success(request, authenticated: true)
            .Add(TurnAttributeType.XorRelayedAddress, TurnMessages.EncodeAddress(allocation.Relayed, request.TransactionId))
            .Add(TurnAttributeType.Lifetime, TurnMessages.Lifetime(left > TimeSpan.Zero ? left : TimeSpan.Zero))
            .AddXorMappedAddress(client.Remote), authenticated: true);
    }

    private byte[] Refresh(TurnClient client, StunMessage request)
    {
        if (client.Allocation is not { } allocation)
            return Error(request, StunErrorCode.AllocationMismatch, authenticated: true);
        if (TurnMessages.RequestedLifetime(request) == 0)
        {
            _allocations.Remove(allocation);
            client.Allocation = null;
            return Finish(request, Success(request, true).Add(TurnAttributeType.Lifetime, TurnMessages.Lifetime(TimeSpan.Zero)), true);
        }
        var lifetime = Lifetime(request);
        allocation.Refresh(lifetime);
        return Finish(request, Success(request, true).Add(TurnAttributeType.Lifetime, TurnMessages.Lifetime(lifetime)), true);
    }

    private byte[] CreatePermission(TurnClient client, StunMessage request)
    {
        if (client.Allocation is not { } allocation)
            return Error(request, StunErrorCode.AllocationMismatch, authenticated: true);
        var peers = TurnMessages.PeerAddresses(request);
        if (peers is null || peers.Count == 0)
            return Error(request, StunErrorCode.BadRequest, authenticated: true);
        foreach (var peer in peers)
            if (CheckPeer(request, TurnMessages.Normalize(peer)) is { } refusal)
                return refusal;
        // All or nothing (RFC 8656 §9.2): only once every address is acceptable are they installed.
        foreach (var peer in peers)
            if (!allocation.Permit(TurnMessages.Normalize(peer).Address, _options.MaxPermissionsPerAllocation))
                return Error(request, StunErrorCode.InsufficientCapacity, authenticated: true);
        return Finish(request, Success(request, true), true);
    }

    private byte[] ChannelBind(TurnClient client, StunMessage request)
    {
        if (client.Allocation is not { } allocation)
            return Error(request, StunErrorCode.AllocationMismatch, authenticated: true);
        if (!request.TryGetAttribute(TurnAttributeType.ChannelNumber, out var number) || number.Length != 4
            || !ChannelData.IsValidChannel(BinaryPrimitives.ReadUInt16BigEndian(number))
            || TurnMessages.PeerAddresses(request) is not [var given])
            return Error(request, StunErrorCode.BadRequest, authenticated: true);
        var peer = TurnMessages.Normalize(given);
        if (CheckPeer(request, peer) is { } refusal)
            return refusal;
        if (_options.AllowedPeerPorts is { } ports && !ports.Contains(peer.Port))
            return Error(request, StunErrorCode.Forbidden, authenticated: true);
        return allocation.BindChannel(BinaryPrimitives.ReadUInt16BigEndian(number), peer, _options.MaxPermissionsPerAllocation) switch
        {
            ChannelBindResult.Bound => Finish(request, Success(request, true), true),
            ChannelBindResult.TooManyPermissions => Error(request, StunErrorCode.InsufficientCapacity, authenticated: true),
            _ => Error(request, StunErrorCode.BadRequest, authenticated: true), // channel or peer bound to another
        };
    }

    /// <summary>Refuses peers of the wrong family and, unless the relay is open, any peer that is not the server itself.</summary>
    private byte[]? CheckPeer(StunMessage request, IPEndPoint peer)
    {
        if (peer.AddressFamily != AddressFamily.InterNetwork)
            return Error(request, StunErrorCode.PeerAddressFamilyMismatch, authenticated: true);
        if (_options.AllowedPeers is { } allowed && !allowed.Contains(peer.Address))
            return Error(request, StunErrorCode.Forbidden, authenticated: true);
        return null;
    }

    /// <summary>RFC 8656 §7.2: the requested lifetime, no shorter than the default nor longer than the maximum.</summary>
    private TimeSpan Lifetime(StunMessage request)
    {
        var requested = TurnMessages.RequestedLifetime(request) is { } seconds ? TimeSpan.FromSeconds(seconds) : _options.DefaultLifetime;
        return requested < _options.DefaultLifetime ? _options.DefaultLifetime
            : requested > _options.MaxLifetime ? _options.MaxLifetime
            : requested;
    }

    /// <summary>401 or 438: an error with the realm and a fresh nonce, without integrity (the client has no valid key yet).</summary>
    private byte[] Challenge(TurnClient client, StunMessage request, StunErrorCode error) =>
        Finish(request, new StunMessageBuilder(Type(request, StunClass.ErrorResponse), request.TransactionId)
            .AddErrorCode(error)
            .Add(TurnAttributeType.Realm, _realm)
            .Add(TurnAttributeType.Nonce, Encoding.ASCII.GetBytes(_nonces.Issue(client.Remote.Address))), authenticated: false);

    private byte[] Error(StunMessage request, StunErrorCode error, bool authenticated) =>
        Finish(request, new StunMessageBuilder(Type(request, StunClass.ErrorResponse), request.TransactionId).AddErrorCode(error), authenticated);

    private static StunMessageBuilder Success(StunMessage request, bool authenticated) =>
        new(Type(request, StunClass.SuccessResponse), request.TransactionId);

    private byte[] Finish(StunMessage request, StunMessageBuilder builder, bool authenticated)
    {
        if (authenticated)
            builder.AddMessageIntegrity(_credentials.Key);
        if (request.Has(StunAttributeType.Fingerprint))
            builder.AddFingerprint();
        return builder.ToArray();
    }

    private static StunMessageType Type(StunMessage request, StunClass type) => new(request.Type.Method, type);
}
