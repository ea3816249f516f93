using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Tessera.Media.Stun;
using Tessera.Media.Turn;

namespace Tessera.Media.Tests.Turn;

/// <summary>
/// A TURN client over a real UDP or TCP socket, written from RFC 8656 for the tests: it sends what
/// it is told and hands back what arrives, with the long-term credential dance done on request.
/// </summary>
internal sealed class TurnTestClient : IDisposable
{
    private static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(5);
    private readonly Socket _socket;
    private readonly IPEndPoint _server;
    private readonly Stream? _stream; // TCP or TLS; null: UDP
    private readonly byte[] _buffer = new byte[70_000];
    private int _buffered;

    private TurnTestClient(Socket socket, IPEndPoint server, Stream? stream)
    {
        _socket = socket;
        _server = server;
        _stream = stream;
    }

    public string? Realm { get; set; }
    public string? Nonce { get; set; }

    public static TurnTestClient Udp(IPEndPoint server, IPAddress? from = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(from ?? IPAddress.Loopback, 0));
        return new TurnTestClient(socket, server, stream: null);
    }

    public static async Task<TurnTestClient> TcpAsync(IPEndPoint server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server);
        return new TurnTestClient(socket, server, new NetworkStream(socket));
    }

    /// <summary>TURN over TLS, trusting whatever certificate the server shows (the tests' own).</summary>
    public static async Task<TurnTestClient> TlsAsync(IPEndPoint server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server);
        var tls = new System.Net.Security.SslStream(new NetworkStream(socket), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        return new TurnTestClient(socket, server, tls);
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes)
    {
        if (_stream is not null)
            await _stream.WriteAsync(bytes);
        else
            await _socket.SendToAsync(bytes, _server);
    }

    /// <summary>The next message from the server (STUN or ChannelData, without stream padding); throws after a few seconds of nothing.</summary>
    public async Task<byte[]> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(ReceiveTimeout);
        if (_stream is null)
        {
            int n = await _socket.ReceiveAsync(_buffer, timeout.Token);
            return _buffer.AsSpan(0, n).ToArray();
        }
        while (true)
        {
            if (_buffered >= 4)
            {
                int length = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(2));
                bool channel = _buffer[0] >= 0x40;
                int message = channel ? 4 + length : 20 + length;
                int framed = channel ? 4 + ((length + 3) & ~3) : message;
                if (_buffered >= framed)
                {
                    var result = _buffer.AsSpan(0, message).ToArray();
                    _buffer.AsSpan(framed, _buffered - framed).CopyTo(_buffer);
                    _buffered -= framed;
                    return result;
                }
            }
            int read;
            try
            {
                read = await _stream.ReadAsync(_buffer.AsMemory(_buffered), timeout.Token);
            }
            catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
            {
                throw new EndOfStreamException("the server reset the connection");
            }
            if (read == 0)
                throw new EndOfStreamException("the server closed the connection");
            _buffered += read;
        }
    }

    public async Task<StunMessage> ReceiveStunAsync()
    {
        var bytes = await ReceiveAsync();
        Assert.True(StunMessage.TryParse(bytes, out var message), "a STUN message: " + Convert.ToHexString(bytes));
        return message!;
    }

    /// <summary>Sends a request and returns the response with the same transaction id.</summary>
    public async Task<StunMessage> RequestAsync(StunMessageBuilder request)
    {
        var bytes = request.ToArray();
        await SendRawAsync(bytes);
        while (true)
        {
            var response = await ReceiveStunAsync();
            if (response.TransactionId.SequenceEqual(bytes.AsSpan(8, 12)))
                return response;
        }
    }

    public static StunMessageBuilder NewRequest(StunMethod method) => NewRequest(method, StunMessageBuilder.NewTransactionId());

    public static StunMessageBuilder NewRequest(StunMethod method, byte[] transactionId) =>
        new(new StunMessageType(method, StunClass.Request), transactionId);

    /// <summary>A request naming peers in XOR-PEER-ADDRESS attributes (CreatePermission, ChannelBind).</summary>
    public static StunMessageBuilder PeerRequest(StunMethod method, params IPEndPoint[] peers)
    {
        var transactionId = StunMessageBuilder.NewTransactionId();
        var request = NewRequest(method, transactionId);
        foreach (var peer in peers)
            WithPeer(request, peer, transactionId);
        return request;
    }

    public static StunMessageBuilder ChannelBindRequest(ushort channel, IPEndPoint peer) =>
        PeerRequest(StunMethod.ChannelBind, peer).Add(TurnAttributeType.ChannelNumber, [(byte)(channel >> 8), (byte)channel, 0, 0]);

    /// <summary>A Send indication carrying <paramref name="data"/> to <paramref name="peer"/>.</summary>
    public static byte[] SendIndication(IPEndPoint peer, byte[] data)
    {
        var transactionId = StunMessageBuilder.NewTransactionId();
        var indication = new StunMessageBuilder(new StunMessageType(StunMethod.Send, StunClass.Indication), transactionId);
        return WithPeer(indication, peer, transactionId).Add(TurnAttributeType.Data, data).ToArray();
    }

    /// <summary>A ChannelData message; over a stream it is padded to 4 bytes.</summary>
    public byte[] ChannelDataMessage(ushort channel, byte[] data)
    {
        int padded = _stream is not null ? (data.Length + 3) & ~3 : data.Length;
        var message = new byte[4 + padded];
        BinaryPrimitives.WriteUInt16BigEndian(message, channel);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), (ushort)data.Length);
        data.CopyTo(message, 4);
        return message;
    }

    /// <summary>Adds USERNAME, REALM, NONCE (the last ones the server gave) and MESSAGE-INTEGRITY for this password.</summary>
    public StunMessageBuilder Authenticate(StunMessageBuilder request, string username, string password, string? realm = null)
    {
        realm ??= Realm!;
        var key = new LongTermCredentials(username, password, realm).Key;
        return request.AddUsername(username)
            .Add(TurnAttributeType.Realm, Encoding.UTF8.GetBytes(realm))
            .Add(TurnAttributeType.Nonce, Encoding.ASCII.GetBytes(Nonce!))
            .AddMessageIntegrity(key);
    }

    /// <summary>Takes the realm and nonce of a 401 or 438 challenge.</summary>
    public void Learn(StunMessage challenge)
    {
        Assert.True(challenge.TryGetAttribute(TurnAttributeType.Realm, out var realm), "the challenge has a REALM");
        Assert.True(challenge.TryGetAttribute(TurnAttributeType.Nonce, out var nonce), "the challenge has a NONCE");
        Realm = Encoding.UTF8.GetString(realm);
        Nonce = Encoding.ASCII.GetString(nonce);
    }

    public static StunMessageBuilder AllocateRequest(uint? lifetime = null)
    {
        var request = NewRequest(StunMethod.Allocate).Add(TurnAttributeType.RequestedTransport, [TurnAttributeType.UdpProtocol, 0, 0, 0]);
        if (lifetime is { } seconds)
            request.Add(TurnAttributeType.Lifetime, BigEndian(seconds));
        return request;
    }

    /// <summary>Unauthenticated Allocate, challenge, then the authenticated one; returns the final response.</summary>
    public async Task<StunMessage> AllocateAsync(string username, string password, uint? lifetime = null)
    {
        var challenge = await RequestAsync(AllocateRequest(lifetime));
        Assert.Equal(401, challenge.ErrorCode?.Code);
        Learn(challenge);
        return await RequestAsync(Authenticate(AllocateRequest(lifetime), username, password));
    }

    public static StunMessageBuilder WithPeer(StunMessageBuilder message, IPEndPoint peer, ReadOnlySpan<byte> transactionId)
    {
        var value = new byte[XorAddress.EncodedLength(peer)];
        XorAddress.Encode(peer, transactionId, value);
        return message.Add(TurnAttributeType.XorPeerAddress, value);
    }

    public static byte[] BigEndian(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    public void Dispose()
    {
        _stream?.Dispose();
        _socket.Dispose();
    }
}
