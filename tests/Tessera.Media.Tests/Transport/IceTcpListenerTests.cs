using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Tessera.Media.Ice;
using Tessera.Media.Stun;
using Tessera.Media.Tests.Ice;
using Tessera.Media.Transport;

namespace Tessera.Media.Tests.Transport;

/// <summary>ICE over TCP (RFC 6544, RFC 4571 framing) through a real TCP connection on loopback.</summary>
public sealed class IceTcpListenerTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _clock = new();
    private UdpMultiplexer _multiplexer = null!;
    private IceTcpListener _listener = null!;

    public Task InitializeAsync()
    {
        _multiplexer = UdpMultiplexer.Open(new UdpMultiplexerOptions
        {
            BindAddress = IPAddress.Loopback,
            TimeProvider = _clock,
            TimeoutCheckInterval = TimeSpan.FromHours(1),
        });
        _listener = IceTcpListener.Start(_multiplexer, 0);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _listener.Dispose();
        await _multiplexer.DisposeAsync();
    }

    [Fact]
    public void A_passive_tcp_candidate_follows_each_udp_one_below_it_in_priority()
    {
        var udp = Assert.Single(_multiplexer.Candidates, c => !c.Tcp);
        var tcp = Assert.Single(_multiplexer.Candidates, c => c.Tcp);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, _listener.LocalEndPoint.Port), tcp.EndPoint);
        Assert.True(tcp.Priority < udp.Priority);
        Assert.Equal($"candidate:tcp1 1 tcp {tcp.Priority} 127.0.0.1 {_listener.LocalEndPoint.Port} typ host tcptype passive", tcp.ToSdpAttribute());
        Assert.Same(udp, _multiplexer.Candidates[0]); // UDP first: it is what the SDP's c= line and port name
    }

    [Fact]
    public async Task A_checked_connection_carries_dtls_and_media_both_ways_in_rfc_4571_frames()
    {
        var recorder = new DatagramRecorder();
        var agent = _multiplexer.CreateAgent(recorder);
        agent.RemoteUfrag = "brws";
        using var browser = await ConnectAsync();

        // Before any check, what arrives is not the agent's.
        await SendFrameAsync(browser, [22, 0xFE, 0xFD, 1]);
        var reply = await CheckAsync(browser, agent, useCandidate: true);
        Assert.Equal(StunMessageType.BindingSuccess, reply.Type);
        Assert.Equal((IPEndPoint)browser.LocalEndPoint!, reply.XorMappedAddress);
        Assert.Equal(IceAgentState.Connected, agent.State);
        Assert.True(agent.SelectedTcp);
        Assert.Empty(recorder.Dtls); // the check's answer came after the early record: it was dropped

        // One write carrying two frames, then a frame split in two writes.
        await browser.SendAsync(Frame([22, 0xFE, 0xFD, 2]).Concat(Frame([0x80, 0x60, 0, 1])).ToArray());
        var split = Frame([0x81, 0xC8, 0, 6, 9, 9]);
        await browser.SendAsync(split[..3]);
        await browser.SendAsync(split[3..]);
        await Eventually.True(() => recorder.Media.Count == 2, "two media packets delivered");
        Assert.Equal([22, 0xFE, 0xFD, 2], Assert.Single(recorder.Dtls));
        Assert.Equal([0x81, 0xC8, 0, 6, 9, 9], recorder.Media[1]);

        // What the agent sends goes back framed on the same connection.
        Assert.True(agent.Send([0x80, 0x60, 0, 2, 7]));
        Assert.Equal([0x80, 0x60, 0, 2, 7], await ReceiveFrameAsync(browser));
    }

    [Fact]
    public async Task A_check_with_the_wrong_password_gets_401_and_the_connection_stays_unowned()
    {
        var recorder = new DatagramRecorder();
        var agent = _multiplexer.CreateAgent(recorder);
        using var browser = await ConnectAsync();
        var reply = await CheckAsync(browser, agent, password: "not the password");
        Assert.Equal(401, reply.ErrorCode?.Code);
        Assert.Equal(IceAgentState.New, agent.State);
        await SendFrameAsync(browser, [0x80, 0x60, 0, 1]);
        // A round trip after it: a check for the agent is answered, and the packet before it went nowhere.
        Assert.Equal(StunMessageType.BindingSuccess, (await CheckAsync(browser, agent)).Type);
        Assert.Empty(recorder.Media);
    }

    [Fact]
    public async Task A_connection_that_passes_no_check_in_time_is_closed()
    {
        using var browser = await ConnectAsync();
        await Eventually.True(() => _listener.ConnectionCount == 1, "the connection is accepted");
        _clock.Advance(IceTcpListener.CheckTimeout);
        var buffer = new byte[16];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        int read;
        try
        {
            read = await browser.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            read = 0;
        }
        Assert.Equal(0, read);
        await Eventually.True(() => _listener.ConnectionCount == 0, "the connection is forgotten");
    }

    [Fact]
    public async Task Closing_the_selected_connection_leaves_the_agent_with_nowhere_to_send_until_the_next_check()
    {
        var agent = _multiplexer.CreateAgent(new DatagramRecorder());
        var browser = await ConnectAsync();
        await CheckAsync(browser, agent, useCandidate: true);
        browser.Dispose();
        await Eventually.True(() => !agent.SelectedTcp, "the agent forgets the closed connection");
        Assert.False(agent.Send([0x80, 0x60, 0, 3]));

        // A UDP check selects a path again.
        using var udp = new StunTestClient();
        await udp.CheckAsync(_multiplexer.LocalEndPoint, $"{agent.Local.Ufrag}:brws", agent.Local.Password, useCandidate: true);
        Assert.True(agent.Send([0x80, 0x60, 0, 4]));
        Assert.Equal([0x80, 0x60, 0, 4], await udp.ReceiveAsync());
    }

    [Fact]
    public async Task Packets_arriving_over_udp_and_tcp_at_once_reach_the_receiver_one_at_a_time()
    {
        // While a browser's path moves from UDP to ICE-TCP, its packets come from the UDP receive
        // thread and from the connection's reading loop at once; the receiver behind the agent
        // (SRTP replay windows and rollover counters, DTLS) must still see them one at a time.
        var receiver = new OverlapProbe();
        var agent = _multiplexer.CreateAgent(receiver);
        agent.RemoteUfrag = "brws";
        using var udp = new StunTestClient();
        await udp.CheckAsync(_multiplexer.LocalEndPoint, $"{agent.Local.Ufrag}:brws", agent.Local.Password, useCandidate: true);
        using var browser = await ConnectAsync();
        await CheckAsync(browser, agent, useCandidate: true);
        Assert.True(agent.SelectedTcp);

        const int Each = 3000;
        var overTcp = Task.Run(async () =>
        {
            for (int i = 0; i < Each; i += 100)
                await browser.SendAsync(Enumerable.Range(i, 100).SelectMany(n => Frame([0x80, 2, (byte)(n >> 8), (byte)n])).ToArray());
        });
        var overUdp = Task.Run(async () =>
        {
            for (int i = 0; i < Each; i++)
                await udp.SendAsync([0x80, 1, (byte)(i >> 8), (byte)i], _multiplexer.LocalEndPoint);
        });
        await Task.WhenAll(overTcp, overUdp);
        await Eventually.True(() => receiver.Received(2) == Each, "every packet sent over TCP arrived");
        // UDP may lose some on a busy machine; a last one seen proves the earlier ones were handled.
        await Eventually.True(async () =>
        {
            await udp.SendAsync([0x80, 1, 0xFF, 0xFF], _multiplexer.LocalEndPoint);
            return receiver.Received(1, last: 0xFFFF);
        }, "the UDP receive thread has handled what it got");
        Assert.True(receiver.Received(1) > 0);
        Assert.Equal(1, receiver.MostAtOnce);
    }

    /// <summary>Records how many threads were inside the receiver at once, holding each call long enough to overlap.</summary>
    private sealed class OverlapProbe : IPeerDatagramReceiver
    {
        private int _inside;
        private int _mostAtOnce;
        private readonly int[] _received = new int[3];
        private volatile int _lastUdp = -1;

        public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

        public int Received(int transport) => Volatile.Read(ref _received[transport]);

        public bool Received(int transport, int last) => transport == 1 && _lastUdp == last;

        public void DtlsReceived(Span<byte> datagram) => MediaReceived(datagram);

        public void MediaReceived(Span<byte> datagram)
        {
            int inside = Interlocked.Increment(ref _inside);
            int most;
            while (inside > (most = Volatile.Read(ref _mostAtOnce)) && Interlocked.CompareExchange(ref _mostAtOnce, inside, most) != most)
            {
            }
            Thread.SpinWait(2000); // what decrypting a packet costs, roughly: long enough for another to arrive
            int number = (datagram[2] << 8) | datagram[3];
            if (number != 0xFFFF)
                Interlocked.Increment(ref _received[datagram[1]]);
            else
                _lastUdp = number;
            Interlocked.Decrement(ref _inside);
        }
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(_listener.LocalEndPoint);
        return socket;
    }

    private static async Task<StunMessage> CheckAsync(Socket browser, IceLiteAgent agent, bool useCandidate = false, string? password = null)
    {
        var request = new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId())
            .AddUsername($"{agent.Local.Ufrag}:brws").AddPriority(1845501695).AddIceControlling(42);
        if (useCandidate)
            request.AddUseCandidate();
        await SendFrameAsync(browser, request.AddMessageIntegrity(password ?? agent.Local.Password).AddFingerprint().ToArray());
        Assert.True(StunMessage.TryParse(await ReceiveFrameAsync(browser), out var reply));
        return reply!;
    }

    private static byte[] Frame(byte[] packet)
    {
        var frame = new byte[2 + packet.Length];
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)packet.Length);
        packet.CopyTo(frame, 2);
        return frame;
    }

    private static async Task SendFrameAsync(Socket socket, byte[] packet) => await socket.SendAsync(Frame(packet));

    private static async Task<byte[]> ReceiveFrameAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var header = new byte[2];
        for (int read = 0; read < 2;)
            read += await socket.ReceiveAsync(header.AsMemory(read), SocketFlags.None, timeout.Token);
        var packet = new byte[BinaryPrimitives.ReadUInt16BigEndian(header)];
        for (int read = 0; read < packet.Length;)
            read += await socket.ReceiveAsync(packet.AsMemory(read), SocketFlags.None, timeout.Token);
        return packet;
    }
}
