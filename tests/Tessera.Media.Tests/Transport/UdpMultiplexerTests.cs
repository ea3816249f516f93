using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Tessera.Media.Ice;
using Tessera.Media.Stun;
using Tessera.Media.Tests.Ice;
using Tessera.Media.Transport;

namespace Tessera.Media.Tests.Transport;

public sealed class UdpMultiplexerTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _clock = new();
    private readonly ListLogger _log = new();
    private UdpMultiplexer _multiplexer = null!;

    public Task InitializeAsync()
    {
        _multiplexer = UdpMultiplexer.Open(new UdpMultiplexerOptions
        {
            BindAddress = IPAddress.Loopback,
            TimeProvider = _clock,
            TimeoutCheckInterval = TimeSpan.FromHours(1),
            Logger = _log,
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _multiplexer.DisposeAsync();

    private IPEndPoint Server => _multiplexer.LocalEndPoint;

    private static string User(IceLiteAgent agent, string remote = "brws") => $"{agent.Local.Ufrag}:{remote}";

    [Fact]
    public async Task Authenticated_check_is_answered_and_latches_the_peer()
    {
        var agent = _multiplexer.CreateAgent(new DatagramRecorder());
        agent.RemoteUfrag = "brws";
        int connected = 0;
        agent.Connected += _ => connected++;
        using var client = new StunTestClient();

        var reply = await client.CheckAsync(Server, User(agent), agent.Local.Password);

        Assert.Equal(StunMessageType.BindingSuccess, reply.Type);
        Assert.Equal(client.LocalEndPoint, reply.XorMappedAddress);
        Assert.True(reply.VerifyMessageIntegrity(Encoding.UTF8.GetBytes(agent.Local.Password)));
        Assert.True(reply.VerifyFingerprint());
        Assert.Equal(IceAgentState.Connected, agent.State);
        Assert.Equal(client.LocalEndPoint, agent.RemoteEndPoint);
        Assert.Equal(1, connected);
    }

    [Fact]
    public async Task Wrong_password_gets_401_and_does_not_latch()
    {
        var agent = _multiplexer.CreateAgent(new DatagramRecorder());
        using var client = new StunTestClient();
        var reply = await client.CheckAsync(Server, User(agent), "not-the-password-at-all");
        Assert.Equal(StunMessageType.BindingError, reply.Type);
        Assert.Equal(401, reply.ErrorCode!.Value.Code);
        Assert.Equal(IceAgentState.New, agent.State);
        Assert.Null(agent.RemoteEndPoint);
    }

    [Fact]
    public async Task Wrong_remote_ufrag_is_refused()
    {
        var agent = _multiplexer.CreateAgent(new DatagramRecorder());
        agent.RemoteUfrag = "brws";
        using var client = new StunTestClient();
        var reply = await client.CheckAsync(Server, User(agent, "evil"), agent.Local.Password);
        Assert.Equal(401, reply.ErrorCode!.Value.Code);
        Assert.Null(agent.RemoteEndPoint);
    }

    [Fact]
    public async Task Controlled_peer_gets_role_conflict()
    {
        var agent = _multiplexer.CreateAgent(new DatagramRecorder());
        using var client = new StunTestClient();
        var reply = await client.CheckAsync(Server, User(agent), agent.Local.Password, controlled: true);
        Assert.Equal(487, reply.ErrorCode!.Value.Code);
        Assert.Null(agent.RemoteEndPoint);
    }

    [Fact]
    public async Task Unknown_ufrag_is_dropped_silently()
    {
        using var client = new StunTestClient();
        var request = new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId())
            .AddUsername("nobody:brws").AddMessageIntegrity("x").AddFingerprint().ToArray();
        await client.SendAsync(request, Server);
        await Eventually.True(() => _multiplexer.UnroutedDatagrams == 1);
    }

    [Fact]
    public async Task Dtls_and_media_are_routed_only_after_an_authenticated_check()
    {
        var received = new DatagramRecorder();
        var agent = _multiplexer.CreateAgent(received);
        using var client = new StunTestClient();

        await client.SendAsync([22, 254, 253, 0], Server); // DTLS record before any check
        await Eventually.True(() => _multiplexer.UnroutedDatagrams == 1);
        Assert.Empty(received.Dtls);

        await client.CheckAsync(Server, User(agent), agent.Local.Password);
        await client.SendAsync([22, 254, 253, 1], Server);
        await client.SendAsync([0x80, 96, 0, 1], Server);
        await client.SendAsync([200, 0, 0, 0], Server); // first byte 200: no protocol, dropped
        await Eventually.True(() => received.Dtls.Count == 1 && received.Media.Count == 1 && _multiplexer.UnroutedDatagrams == 2);
        Assert.Equal(new byte[] { 22, 254, 253, 1 }, received.Dtls[0]);
        Assert.Equal(new byte[] { 0x80, 96, 0, 1 }, received.Media[0]);
    }

    private static byte[] Check(IceLiteAgent agent, byte[] transaction) =>
        new StunMessageBuilder(StunMessageType.BindingRequest, transaction)
            .AddUsername(User(agent)).AddPriority(1845501695).AddIceControlling(1)
            .AddMessageIntegrity(agent.Local.Password).AddFingerprint().ToArray();

    [Fact]
    public async Task Datagrams_sent_in_a_burst_are_all_handled_and_each_sender_s_replies_keep_its_order()
    {
        // Sent without waiting, the checks queue up on the socket and are read several per wake-up;
        // each client must still get one reply per check, in the order it sent them.
        var agent = _multiplexer.CreateAgent(new DatagramRecorder());
        using var first = new StunTestClient();
        using var second = new StunTestClient();
        var sent = new Dictionary<StunTestClient, List<byte[]>> { [first] = [], [second] = [] };
        for (int i = 0; i < 40; i++)
            foreach (var client in new[] { first, second })
            {
                var transaction = StunMessageBuilder.NewTransactionId();
                sent[client].Add(transaction);
                await client.SendAsync(Check(agent, transaction), Server);
            }

        foreach (var client in new[] { first, second })
            foreach (var transaction in sent[client])
            {
                Assert.True(StunMessage.TryParse(await client.ReceiveAsync(), out var reply));
                Assert.Equal(transaction, reply!.TransactionId.ToArray());
            }
    }

    [Fact]
    public async Task A_burst_of_media_arrives_whole_and_in_order_and_an_oversized_datagram_does_not_cost_the_next()
    {
        var received = new DatagramRecorder();
        var agent = _multiplexer.CreateAgent(received);
        using var client = new StunTestClient();
        await client.CheckAsync(Server, User(agent), agent.Local.Password);

        var oversized = new byte[DatagramReader.MaxDatagram + 100];
        oversized[0] = 0x80;
        for (int i = 0; i < 50; i++)
        {
            if (i == 25)
                await client.SendAsync(oversized, Server);
            await client.SendAsync([0x80, 96, 0, (byte)i], Server);
        }

        await Eventually.True(() => received.Media.Count == 50);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (byte)i), received.Media.Select(m => m[3]));
        Assert.Equal(1, _multiplexer.ReceiveErrors);
    }

    /// <summary>Fails on the first media packet, as a handler with a bug would.</summary>
    private sealed class FailingOnce : IPeerDatagramReceiver
    {
        public readonly DatagramRecorder Received = new();
        private int _calls;

        public void DtlsReceived(Span<byte> datagram) => Received.DtlsReceived(datagram);

        public void MediaReceived(Span<byte> datagram)
        {
            if (Interlocked.Increment(ref _calls) == 1)
                throw new InvalidOperationException("handler bug");
            Received.MediaReceived(datagram);
        }
    }

    [Fact]
    public async Task A_datagram_whose_handling_throws_is_logged_and_the_next_one_is_still_received()
    {
        var receiver = new FailingOnce();
        var agent = _multiplexer.CreateAgent(receiver);
        using var client = new StunTestClient();
        await client.CheckAsync(Server, User(agent), agent.Local.Password);

        await client.SendAsync([0x80, 96, 0, 1], Server);
        await client.SendAsync([0x80, 96, 0, 2], Server);

        await Eventually.True(() => receiver.Received.Media.Count == 1);
        Assert.Equal(new byte[] { 0x80, 96, 0, 2 }, receiver.Received.Media[0]);
        Assert.Equal(1, _multiplexer.FailedDatagrams);
        var logged = Assert.Single(_log.Entries, e => e.Level == LogLevel.Error);
        Assert.Equal("handler bug", logged.Exception?.Message);
        Assert.Contains($"4-byte datagram from {client.LocalEndPoint}", logged.Message);

        // The same fault again within the minute is counted, not logged.
        var second = _multiplexer.CreateAgent(new FailingOnce());
        using var other = new StunTestClient();
        await other.CheckAsync(Server, User(second), second.Local.Password);
        await other.SendAsync([0x80, 96, 0, 3], Server);
        await Eventually.True(() => _multiplexer.FailedDatagrams == 2);
        Assert.Single(_log.Entries, e => e.Level == LogLevel.Error);
    }

    [Fact]
    public async Task Two_peers_share_the_port_and_are_demultiplexed()
    {
        var toA = new DatagramRecorder();
        var toB = new DatagramRecorder();
        var a = _multiplexer.CreateAgent(toA);
        var b = _multiplexer.CreateAgent(toB);
        using var clientA = new StunTestClient();
        using var clientB = new StunTestClient();
        await clientA.CheckAsync(Server, User(a), a.Local.Password);
        await clientB.CheckAsync(Server, User(b), b.Local.Password);
        await clientA.SendAsync([0x80, 0], Server);
        await clientB.SendAsync([0x80, 0], Server);
        await clientB.SendAsync([0x80, 0], Server);
        await Eventually.True(() => toA.Media.Count == 1 && toB.Media.Count == 2);
        Assert.Equal(clientA.LocalEndPoint, a.RemoteEndPoint);
        Assert.Equal(clientB.LocalEndPoint, b.RemoteEndPoint);
    }

    [Fact]
    public async Task One_peer_cannot_make_the_endpoint_remember_unbounded_addresses()
    {
        var received = new DatagramRecorder();
        var agent = _multiplexer.CreateAgent(received);
        using var selected = new StunTestClient();
        await selected.CheckAsync(Server, User(agent), agent.Local.Password, useCandidate: true);
        // 500 more source ports, each passing an authenticated check.
        var others = Enumerable.Range(0, 500).Select(_ => new StunTestClient()).ToList();
        try
        {
            foreach (var other in others)
                Assert.Equal(StunMessageType.BindingSuccess, (await other.CheckAsync(Server, User(agent), agent.Local.Password)).Type);
            Assert.Equal(IceLiteAgent.MaxLatchedAddresses, _multiplexer.RoutedAddressCount);
            // The nominated address was never the one forgotten: its media still arrives, and
            // the most recent check's does too, while an early one's no longer routes.
            await selected.SendAsync([0x80, 0], Server);
            await others[^1].SendAsync([0x80, 0], Server);
            await others[0].SendAsync([0x80, 0], Server);
            await Eventually.True(() => received.Media.Count == 2 && _multiplexer.UnroutedDatagrams == 1);
            Assert.Equal(selected.LocalEndPoint, agent.RemoteEndPoint);
        }
        finally
        {
            foreach (var other in others) other.Dispose();
        }
    }

    [Fact]
    public async Task Nomination_moves_the_selected_address_and_sticks()
    {
        var agent = _multiplexer.CreateAgent(new DatagramRecorder());
        using var first = new StunTestClient();
        using var second = new StunTestClient();
        await first.CheckAsync(Server, User(agent), agent.Local.Password);
        Assert.Equal(first.LocalEndPoint, agent.RemoteEndPoint);
        await second.CheckAsync(Server, User(agent), agent.Local.Password, useCandidate: true);
        Assert.Equal(second.LocalEndPoint, agent.RemoteEndPoint);
        await first.CheckAsync(Server, User(agent), agent.Local.Password); // unnominated check: no switch back
        Assert.Equal(second.LocalEndPoint, agent.RemoteEndPoint);
    }

    [Fact]
    public async Task Disposing_the_multiplexer_ends_its_blocked_receive_thread()
    {
        var multiplexer = UdpMultiplexer.Open(new UdpMultiplexerOptions { BindAddress = IPAddress.Loopback });
        Assert.True(multiplexer.IsReceiving);
        var stopping = multiplexer.DisposeAsync().AsTask();
        await stopping.WaitAsync(TimeSpan.FromSeconds(3)); // the join allows 5 s: finishing sooner means the socket close woke it
        Assert.False(multiplexer.IsReceiving);
    }

    [Fact]
    public async Task Send_reaches_the_latched_peer()
    {
        var agent = _multiplexer.CreateAgent(new DatagramRecorder());
        using var client = new StunTestClient();
        Assert.False(agent.Send([1, 2, 3]));
        await client.CheckAsync(Server, User(agent), agent.Local.Password);
        Assert.True(agent.Send([0x80, 1, 2, 3]));
        Assert.Equal(new byte[] { 0x80, 1, 2, 3 }, await client.ReceiveAsync());
    }

    [Fact]
    public async Task Peer_times_out_when_checks_stop_and_fresh_checks_keep_it()
    {
        var agent = _multiplexer.CreateAgent(new DatagramRecorder());
        int closed = 0;
        agent.Closed += _ => closed++;
        using var client = new StunTestClient();
        await client.CheckAsync(Server, User(agent), agent.Local.Password);

        _clock.Advance(TimeSpan.FromSeconds(20));
        _multiplexer.CheckTimeouts();
        Assert.Equal(IceAgentState.Connected, agent.State);
        await client.CheckAsync(Server, User(agent), agent.Local.Password); // consent refreshed

        _clock.Advance(TimeSpan.FromSeconds(20));
        _multiplexer.CheckTimeouts();
        Assert.Equal(IceAgentState.Connected, agent.State);

        _clock.Advance(TimeSpan.FromSeconds(11));
        _multiplexer.CheckTimeouts();
        Assert.Equal(IceAgentState.Closed, agent.State);
        Assert.Equal(1, closed);
        Assert.False(agent.Send([0x80]));

        // The closed agent's ufrag is gone: a later check goes unanswered.
        var request = new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId())
            .AddUsername(User(agent)).AddMessageIntegrity(agent.Local.Password).AddFingerprint().ToArray();
        long before = _multiplexer.UnroutedDatagrams;
        await client.SendAsync(request, Server);
        await Eventually.True(() => _multiplexer.UnroutedDatagrams == before + 1);
    }

    [Fact]
    public async Task Ice_restart_retires_the_old_credentials_and_keeps_the_path()
    {
        var agent = _multiplexer.CreateAgent(new DatagramRecorder());
        agent.RemoteUfrag = "brws";
        using var client = new StunTestClient();
        await client.CheckAsync(Server, User(agent), agent.Local.Password);
        var old = agent.Local;

        var fresh = agent.Restart("brw2");

        Assert.NotEqual(old.Ufrag, fresh.Ufrag);
        Assert.NotEqual(old.Password, fresh.Password);
        Assert.Equal(client.LocalEndPoint, agent.RemoteEndPoint); // media keeps flowing meanwhile
        long before = _multiplexer.UnroutedDatagrams;
        var stale = new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId())
            .AddUsername($"{old.Ufrag}:brws").AddMessageIntegrity(old.Password).AddFingerprint().ToArray();
        await client.SendAsync(stale, Server);
        await Eventually.True(() => _multiplexer.UnroutedDatagrams == before + 1);
        var reply = await client.CheckAsync(Server, $"{fresh.Ufrag}:brw2", fresh.Password);
        Assert.Equal(StunMessageType.BindingSuccess, reply.Type);
    }

    [Fact]
    public void Candidates_use_the_bound_address_and_port()
    {
        var candidate = Assert.Single(_multiplexer.Candidates);
        Assert.Equal(Server, candidate.EndPoint);
        Assert.Equal($"candidate:1 1 udp 2130706431 127.0.0.1 {Server.Port} typ host", candidate.ToSdpAttribute());
    }

    [Fact]
    public async Task Explicit_candidate_addresses_are_advertised_in_order()
    {
        await using var multiplexer = UdpMultiplexer.Open(new UdpMultiplexerOptions
        {
            BindAddress = IPAddress.Loopback,
            CandidateAddresses = [IPAddress.Parse("192.0.2.10"), IPAddress.Parse("2001:db8::10")],
        });
        Assert.Equal(["192.0.2.10", "2001:db8::10"], multiplexer.Candidates.Select(c => c.EndPoint.Address.ToString()));
        Assert.True(multiplexer.Candidates[0].Priority > multiplexer.Candidates[1].Priority);
        Assert.All(multiplexer.Candidates, c => Assert.Equal(multiplexer.LocalEndPoint.Port, c.EndPoint.Port));
    }

    [Fact]
    public void Generated_credentials_meet_rfc_lengths()
    {
        var c = IceCredentials.Generate();
        Assert.True(c.Ufrag.Length >= 4);
        Assert.True(c.Password.Length >= 22);
        Assert.NotEqual(c, IceCredentials.Generate());
    }
}
