using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Tessera.Media.Stun;
using Tessera.Media.Turn;

namespace Tessera.Bench.Turn;

/// <summary>
/// The client side of one relay-only browser connection, over UDP: one allocation, one channel to
/// the (simulated) SFU. Only what the benchmark needs: allocate with the long-term credential, bind
/// a channel, send and receive ChannelData.
/// </summary>
internal sealed class BenchTurnClient : IDisposable
{
    public const ushort Channel = 0x4000;
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly IPEndPoint _server;
    private readonly string _username;
    private readonly string _password;
    private byte[] _key = [];
    private string _realm = "";
    private string _nonce = "";

    public BenchTurnClient(IPEndPoint server, string username, string password)
    {
        _server = server;
        _username = username;
        _password = password;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _socket.ReceiveBufferSize = 1 << 20;
        _socket.Connect(server);
    }

    public IPEndPoint Relayed { get; private set; } = null!;
    public Socket Socket => _socket;

    public void Allocate()
    {
        var challenge = Request(StunMethod.Allocate, Transport, authenticated: false);
        if (challenge.ErrorCode?.Code != 401)
            throw new InvalidOperationException($"expected a 401 challenge, got {challenge.ErrorCode}");
        _realm = Encoding.UTF8.GetString(Attribute(challenge, TurnAttributeType.Realm));
        _nonce = Encoding.ASCII.GetString(Attribute(challenge, TurnAttributeType.Nonce));
        _key = MD5.HashData(Encoding.UTF8.GetBytes($"{_username}:{_realm}:{_password}"));
        var granted = Request(StunMethod.Allocate, Transport, authenticated: true);
        if (granted.Type.Class != StunClass.SuccessResponse)
            throw new InvalidOperationException($"allocation refused: {granted.ErrorCode}");
        if (!XorAddress.TryDecode(Attribute(granted, TurnAttributeType.XorRelayedAddress), granted.TransactionId, out var relayed))
            throw new InvalidOperationException("no XOR-RELAYED-ADDRESS");
        Relayed = relayed!;
    }

    public void BindChannel(IPEndPoint peer)
    {
        var response = Request(StunMethod.ChannelBind, (b, id) =>
        {
            var value = new byte[XorAddress.EncodedLength(peer)];
            XorAddress.Encode(peer, id, value);
            b.Add(TurnAttributeType.XorPeerAddress, value).Add(TurnAttributeType.ChannelNumber, [Channel >> 8, Channel & 0xFF, 0, 0]);
        }, authenticated: true);
        if (response.Type.Class != StunClass.SuccessResponse)
            throw new InvalidOperationException($"channel refused: {response.ErrorCode}");
    }

    private static void Transport(StunMessageBuilder b, byte[] _) =>
        b.Add(TurnAttributeType.RequestedTransport, [TurnAttributeType.UdpProtocol, 0, 0, 0]);

    private StunMessage Request(StunMethod method, Action<StunMessageBuilder, byte[]> attributes, bool authenticated)
    {
        var id = StunMessageBuilder.NewTransactionId();
        var builder = new StunMessageBuilder(new StunMessageType(method, StunClass.Request), id);
        attributes(builder, id);
        if (authenticated)
        {
            builder.AddUsername(_username).Add(TurnAttributeType.Realm, Encoding.UTF8.GetBytes(_realm))
                .Add(TurnAttributeType.Nonce, Encoding.ASCII.GetBytes(_nonce)).AddMessageIntegrity(_key);
        }
        _socket.Send(builder.ToArray());
        var buffer = new byte[2048];
        _socket.ReceiveTimeout = 5000;
        while (true)
        {
            int n = _socket.Receive(buffer);
            if (StunMessage.TryParse(buffer.AsSpan(0, n), out var message) && message!.TransactionId.SequenceEqual(id))
                return message;
        }
    }

    private static byte[] Attribute(StunMessage message, ushort type) =>
        message.TryGetAttribute(type, out var value) ? value.ToArray() : throw new InvalidOperationException($"attribute {type:x4} missing");

    /// <summary>Writes the ChannelData header for <paramref name="dataLength"/> bytes of data after it.</summary>
    public static void Frame(Span<byte> message, int dataLength)
    {
        BinaryPrimitives.WriteUInt16BigEndian(message, Channel);
        BinaryPrimitives.WriteUInt16BigEndian(message[2..], (ushort)dataLength);
    }

    public void Dispose() => _socket.Dispose();
}
