using System.Net;
using System.Net.Sockets;
using System.Text;
using Tessera.Media.Stun;
using Tessera.Media.Turn;
using Tessera.Testing;

namespace Tessera.Media.Tests.Turn;

/// <summary>The built-in TURN server through its real UDP and TCP listeners on loopback.</summary>
public sealed class TurnServerTests : IDisposable
{
    private const string Username = "tessera";
    private const string Password = "correct horse";
    private readonly ManualTimeProvider _time = new();
    private readonly List<IDisposable> _disposables = new();

    private TurnServer Start(int maxPerClient = 1000, int max = 10_000, IReadOnlySet<IPAddress>? allowed = null, bool open = false,
        System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null, IReadOnlySet<int>? ports = null)
    {
        var server = TurnServer.Start(new TurnServerOptions
        {
            UdpEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            TcpEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            RelayBindAddress = IPAddress.Loopback,
            Credentials = new LongTermCredentials(Username, Password, "tessera"),
            AllowedPeers = open ? null : allowed ?? new HashSet<IPAddress> { IPAddress.Loopback },
            MaxAllocationsPerClient = maxPerClient,
            MaxAllocations = max,
            TimeProvider = _time,
            Certificate = certificate is null ? null : () => certificate,
            AllowedPeerPorts = ports,
        });
        _disposables.Add(server);
        return server;
    }

    private T Owned<T>(T disposable) where T : IDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }

    private static async Task<TurnTestClient> ConnectAsync(TurnServer server, bool tcp) =>
        tcp ? await TurnTestClient.TcpAsync(server.TcpEndPoint!) : TurnTestClient.Udp(server.UdpEndPoint!);

    [Fact]
    public void The_long_term_key_verifies_the_RFC_5769_sample_request()
    {
        var sample = Hex.Parse("000100602112a44278ad3433c6ad72c029da412e00060012e3839ee38388e383aae38383e382afe382b9000000"
            + "15001c662f2f3439396b39353464364f4c33346f4c394653547679363473410014000b6578616d706c652e6f72670000080014f67024"
            + "656dd64a3e02b8e0712e85c9a28ca89666");
        Assert.True(StunMessage.TryParse(sample, out var request));
        Assert.Equal("\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9", request!.Username);
        // The RFC's password after SASLprep.
        Assert.True(request.VerifyMessageIntegrity(new LongTermCredentials(request.Username!, "TheMatrIX", "example.org").Key));
        Assert.False(request.VerifyMessageIntegrity(new LongTermCredentials(request.Username!, "TheMatrix", "example.org").Key));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_allocation_is_refused_without_credentials_and_with_wrong_ones_then_granted_with_the_right_ones(bool tcp)
    {
        var server = Start();
        using var client = await ConnectAsync(server, tcp);

        var challenge = await client.RequestAsync(TurnTestClient.AllocateRequest());
        Assert.Equal(401, challenge.ErrorCode?.Code);
        Assert.False(challenge.Has(StunAttributeType.MessageIntegrity));
        client.Learn(challenge);
        Assert.Equal("tessera", client.Realm);

        var wrongPassword = await client.RequestAsync(client.Authenticate(TurnTestClient.AllocateRequest(), Username, "wrong"));
        Assert.Equal(401, wrongPassword.ErrorCode?.Code);
        var wrongUser = await client.RequestAsync(client.Authenticate(TurnTestClient.AllocateRequest(), "mallory", Password));
        Assert.Equal(401, wrongUser.ErrorCode?.Code);
        var wrongRealm = await client.RequestAsync(client.Authenticate(TurnTestClient.AllocateRequest(), Username, Password, realm: "elsewhere"));
        Assert.Equal(401, wrongRealm.ErrorCode?.Code);
        Assert.Equal(0, server.AllocationCount);

        var granted = await client.RequestAsync(client.Authenticate(TurnTestClient.AllocateRequest(), Username, Password));
        Assert.Equal(new StunMessageType(StunMethod.Allocate, StunClass.SuccessResponse), granted.Type);
        Assert.True(granted.VerifyMessageIntegrity(new LongTermCredentials(Username, Password, "tessera").Key));
        Assert.True(granted.TryGetAttribute(TurnAttributeType.XorRelayedAddress, out var relayed));
        Assert.True(XorAddress.TryDecode(relayed, granted.TransactionId, out var relayedAddress));
        Assert.Equal(IPAddress.Loopback, relayedAddress!.Address);
        Assert.Equal(600u, Lifetime(granted));
        Assert.Equal(client.LocalEndPoint, granted.XorMappedAddress);
        Assert.Equal(1, server.AllocationCount);
        Assert.Equal(4, server.RejectedRequests);
    }

    [Fact]
    public async Task A_request_with_integrity_but_without_a_username_is_a_bad_request()
    {
        var server = Start();
        using var client = await ConnectAsync(server, tcp: false);
        var response = await client.RequestAsync(TurnTestClient.AllocateRequest().AddMessageIntegrity(new byte[16]));
        Assert.Equal(400, response.ErrorCode?.Code);
    }

    [Fact]
    public async Task An_expired_nonce_gets_438_with_a_fresh_one_that_works()
    {
        var server = Start();
        using var client = await ConnectAsync(server, tcp: false);
        client.Learn(await client.RequestAsync(TurnTestClient.AllocateRequest()));
        string first = client.Nonce!;
        _time.Advance(TimeSpan.FromMinutes(11));

        var stale = await client.RequestAsync(client.Authenticate(TurnTestClient.AllocateRequest(), Username, Password));
        Assert.Equal(438, stale.ErrorCode?.Code);
        client.Learn(stale);
        Assert.NotEqual(first, client.Nonce);

        var granted = await client.RequestAsync(client.Authenticate(TurnTestClient.AllocateRequest(), Username, Password));
        Assert.Equal(StunClass.SuccessResponse, granted.Type.Class);
    }

    [Fact]
    public async Task A_nonce_the_server_did_not_issue_or_issued_to_another_address_is_not_accepted()
    {
        var server = Start();
        using var client = await ConnectAsync(server, tcp: false);
        client.Learn(await client.RequestAsync(TurnTestClient.AllocateRequest()));
        string genuine = client.Nonce!;

        // Same shape, another expiry: the MAC no longer matches.
        client.Nonce = "7fffffffffffffff" + genuine[16..];
        Assert.Equal(438, (await client.RequestAsync(client.Authenticate(TurnTestClient.AllocateRequest(), Username, Password))).ErrorCode?.Code);

        // The genuine nonce, from another client address (127.0.0.2 is loopback too).
        using var other = TurnTestClient.Udp(server.UdpEndPoint!, IPAddress.Parse("127.0.0.2"));
        other.Realm = "tessera";
        other.Nonce = genuine;
        Assert.Equal(438, (await other.RequestAsync(other.Authenticate(TurnTestClient.AllocateRequest(), Username, Password))).ErrorCode?.Code);

        client.Nonce = genuine;
        Assert.Equal(StunClass.SuccessResponse, (await client.RequestAsync(client.Authenticate(TurnTestClient.AllocateRequest(), Username, Password))).Type.Class);
        Assert.Equal(1, server.AllocationCount);
    }

    [Fact]
    public async Task Allocations_beyond_the_per_client_quota_get_486_and_beyond_the_server_total_508()
    {
        var server = Start(maxPerClient: 2, max: 1000);
        var clients = Enumerable.Range(0, 3).Select(_ => Owned(TurnTestClient.Udp(server.UdpEndPoint!))).ToList();
        Assert.Equal(StunClass.SuccessResponse, (await clients[0].AllocateAsync(Username, Password)).Type.Class);
        Assert.Equal(StunClass.SuccessResponse, (await clients[1].AllocateAsync(Username, Password)).Type.Class);
        Assert.Equal(486, (await clients[2].AllocateAsync(Username, Password)).ErrorCode?.Code);

        // One gives its allocation back: there is room again.
        var release = await clients[0].RequestAsync(clients[0].Authenticate(TurnTestClient.NewRequest(StunMethod.Refresh)
            .Add(TurnAttributeType.Lifetime, TurnTestClient.BigEndian(0)), Username, Password));
        Assert.Equal(StunClass.SuccessResponse, release.Type.Class);
        Assert.Equal(StunClass.SuccessResponse, (await clients[2].RequestAsync(
            clients[2].Authenticate(TurnTestClient.AllocateRequest(), Username, Password))).Type.Class);

        var full = Start(maxPerClient: 10, max: 1);
        using var first = TurnTestClient.Udp(full.UdpEndPoint!);
        using var second = TurnTestClient.Udp(full.UdpEndPoint!);
        Assert.Equal(StunClass.SuccessResponse, (await first.AllocateAsync(Username, Password)).Type.Class);
        Assert.Equal(508, (await second.AllocateAsync(Username, Password)).ErrorCode?.Code);
    }

    [Fact]
    public async Task A_second_allocate_on_the_same_five_tuple_is_a_mismatch_but_a_retransmission_is_answered_again()
    {
        var server = Start();
        using var client = TurnTestClient.Udp(server.UdpEndPoint!);
        client.Learn(await client.RequestAsync(TurnTestClient.AllocateRequest()));
        var request = client.Authenticate(TurnTestClient.AllocateRequest(), Username, Password);
        var first = await client.RequestAsync(request);
        var again = await client.RequestAsync(request);
        Assert.Equal(StunClass.SuccessResponse, again.Type.Class);
        Assert.Equal(Convert.ToHexString(Relayed(first).Serialize().Buffer.Span), Convert.ToHexString(Relayed(again).Serialize().Buffer.Span));

        var other = await client.RequestAsync(client.Authenticate(TurnTestClient.AllocateRequest(), Username, Password));
        Assert.Equal(437, other.ErrorCode?.Code);
        Assert.Equal(1, server.AllocationCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Permission_to_a_third_party_address_is_refused_by_default(bool tcp)
    {
        var server = Start();
        using var client = await ConnectAsync(server, tcp);
        await client.AllocateAsync(Username, Password);

        var elsewhere = new IPEndPoint(IPAddress.Parse("192.0.2.10"), 5000);
        var refused = await client.RequestAsync(client.Authenticate(TurnTestClient.PeerRequest(StunMethod.CreatePermission, elsewhere), Username, Password));
        Assert.Equal(403, refused.ErrorCode?.Code);
        var refusedChannel = await client.RequestAsync(client.Authenticate(TurnTestClient.ChannelBindRequest(0x4000, elsewhere), Username, Password));
        Assert.Equal(403, refusedChannel.ErrorCode?.Code);
        // All or nothing: one allowed and one third-party address is refused as a whole.
        var mixed = await client.RequestAsync(client.Authenticate(
            TurnTestClient.PeerRequest(StunMethod.CreatePermission, new IPEndPoint(IPAddress.Loopback, 5000), elsewhere), Username, Password));
        Assert.Equal(403, mixed.ErrorCode?.Code);

        var allowed = await client.RequestAsync(client.Authenticate(
            TurnTestClient.PeerRequest(StunMethod.CreatePermission, new IPEndPoint(IPAddress.Loopback, 5000)), Username, Password));
        Assert.Equal(StunClass.SuccessResponse, allowed.Type.Class);
    }

    [Fact]
    public async Task With_allowed_ports_only_those_ports_of_an_allowed_address_are_reachable_either_way()
    {
        using var sfu = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sfu.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var other = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp); // say, a local DNS resolver
        other.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var sfuEndPoint = (IPEndPoint)sfu.LocalEndPoint!;
        var otherEndPoint = (IPEndPoint)other.LocalEndPoint!;
        var server = Start(ports: new HashSet<int> { sfuEndPoint.Port });
        using var client = TurnTestClient.Udp(server.UdpEndPoint!);
        var relayed = Relayed(await client.AllocateAsync(Username, Password));

        var refused = await client.RequestAsync(client.Authenticate(TurnTestClient.ChannelBindRequest(0x4000, otherEndPoint), Username, Password));
        Assert.Equal(403, refused.ErrorCode?.Code);
        var permitted = await client.RequestAsync(client.Authenticate(TurnTestClient.PeerRequest(StunMethod.CreatePermission, sfuEndPoint), Username, Password));
        Assert.Equal(StunClass.SuccessResponse, permitted.Type.Class); // the address is allowed; permissions have no port

        // To the other port: dropped. To the SFU: relayed, and it arrives after the dropped one would have.
        await client.SendRawAsync(TurnTestClient.SendIndication(otherEndPoint, "to dns"u8.ToArray()));
        await client.SendRawAsync(TurnTestClient.SendIndication(sfuEndPoint, "to sfu"u8.ToArray()));
        Assert.Equal("to sfu", (await ReceiveAsync(sfu)).Text);
        Assert.Equal(0, other.Available);

        // From the other port: dropped; from the SFU: delivered, and it is the first thing the client gets.
        await other.SendToAsync("from dns"u8.ToArray(), relayed);
        await sfu.SendToAsync("from sfu"u8.ToArray(), relayed);
        var data = await client.ReceiveStunAsync();
        Assert.True(data.TryGetAttribute(TurnAttributeType.Data, out var payload));
        Assert.Equal("from sfu", Encoding.UTF8.GetString(payload));
    }

    [Fact]
    public async Task An_open_relay_allows_any_peer()
    {
        var server = Start(open: true);
        using var client = TurnTestClient.Udp(server.UdpEndPoint!);
        await client.AllocateAsync(Username, Password);
        var response = await client.RequestAsync(client.Authenticate(
            TurnTestClient.PeerRequest(StunMethod.CreatePermission, new IPEndPoint(IPAddress.Parse("192.0.2.10"), 5000)), Username, Password));
        Assert.Equal(StunClass.SuccessResponse, response.Type.Class);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Data_flows_both_ways_through_send_indications_then_through_a_channel(bool tcp)
    {
        var server = Start();
        using var client = await ConnectAsync(server, tcp);
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var peerEndPoint = (IPEndPoint)peer.LocalEndPoint!;
        var relayed = Relayed(await client.AllocateAsync(Username, Password));

        // Without a permission the relay drops what either side sends; a round trip after the
        // permission proves the earlier datagram never arrived.
        await client.SendRawAsync(TurnTestClient.SendIndication(peerEndPoint, "early"u8.ToArray()));
        var permit = await client.RequestAsync(client.Authenticate(TurnTestClient.PeerRequest(StunMethod.CreatePermission, peerEndPoint), Username, Password));
        Assert.Equal(StunClass.SuccessResponse, permit.Type.Class);
        await client.SendRawAsync(TurnTestClient.SendIndication(peerEndPoint, "hello peer"u8.ToArray()));
        var (fromClient, source) = await ReceiveAsync(peer);
        Assert.Equal("hello peer", fromClient);
        Assert.Equal(relayed, source);

        await peer.SendToAsync("hello client"u8.ToArray(), relayed);
        var data = await client.ReceiveStunAsync();
        Assert.Equal(new StunMessageType(StunMethod.Data, StunClass.Indication), data.Type);
        Assert.True(data.TryGetAttribute(TurnAttributeType.Data, out var payload));
        Assert.Equal("hello client", Encoding.UTF8.GetString(payload));

        // A channel: ChannelData both ways, odd lengths included (padding over TCP).
        var bound = await client.RequestAsync(client.Authenticate(TurnTestClient.ChannelBindRequest(0x4001, peerEndPoint), Username, Password));
        Assert.Equal(StunClass.SuccessResponse, bound.Type.Class);
        await client.SendRawAsync(client.ChannelDataMessage(0x4001, "odd"u8.ToArray()));
        Assert.Equal("odd", (await ReceiveAsync(peer)).Text);
        await client.SendRawAsync(client.ChannelDataMessage(0x4001, "even"u8.ToArray()));
        Assert.Equal("even", (await ReceiveAsync(peer)).Text);

        await peer.SendToAsync("back on the channel"u8.ToArray(), relayed);
        var channelData = await client.ReceiveAsync();
        Assert.Equal([0x40, 0x01], channelData[..2]);
        Assert.Equal("back on the channel", Encoding.UTF8.GetString(channelData.AsSpan(4)));
        await peer.SendToAsync("x"u8.ToArray(), relayed);
        Assert.Equal("x", Encoding.UTF8.GetString((await client.ReceiveAsync()).AsSpan(4)));
    }

    [Fact]
    public async Task Allocations_ended_and_replaced_on_one_reading_thread_each_relay_to_their_own_client()
    {
        // Every UDP allocation's relay socket is read by one thread; a socket closed with its
        // allocation may hand its descriptor straight to the next one, which must get its own data.
        var server = Start();
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var peerEndPoint = (IPEndPoint)peer.LocalEndPoint!;

        async Task<(TurnTestClient Client, IPEndPoint Relayed)> AllocateAsync()
        {
            var client = Owned(TurnTestClient.Udp(server.UdpEndPoint!));
            var relayed = Relayed(await client.AllocateAsync(Username, Password));
            var bound = await client.RequestAsync(client.Authenticate(TurnTestClient.ChannelBindRequest(0x4001, peerEndPoint), Username, Password));
            Assert.Equal(StunClass.SuccessResponse, bound.Type.Class);
            return (client, relayed);
        }

        async Task AssertEachGetsItsOwnAsync(IReadOnlyList<(TurnTestClient Client, IPEndPoint Relayed)> allocations, string round)
        {
            for (int i = 0; i < allocations.Count; i++)
                await peer.SendToAsync(Encoding.UTF8.GetBytes($"{round} {i}"), allocations[i].Relayed);
            for (int i = 0; i < allocations.Count; i++)
                Assert.Equal($"{round} {i}", Encoding.UTF8.GetString((await allocations[i].Client.ReceiveAsync()).AsSpan(4)));
        }

        var first = new List<(TurnTestClient Client, IPEndPoint Relayed)>();
        for (int i = 0; i < 20; i++)
            first.Add(await AllocateAsync());
        await AssertEachGetsItsOwnAsync(first, "first");

        foreach (var (client, _) in first.Take(10))
        {
            var ended = await client.RequestAsync(client.Authenticate(TurnTestClient.NewRequest(StunMethod.Refresh)
                .Add(TurnAttributeType.Lifetime, TurnTestClient.BigEndian(0)), Username, Password));
            Assert.Equal(0u, Lifetime(ended));
        }
        var second = first.Skip(10).ToList();
        for (int i = 0; i < 10; i++)
            second.Add(await AllocateAsync());
        Assert.Equal(20, server.AllocationCount);
        await AssertEachGetsItsOwnAsync(second, "second");
    }

    [Fact]
    public async Task Channel_data_split_across_tcp_segments_is_reassembled()
    {
        var server = Start();
        using var client = await TurnTestClient.TcpAsync(server.TcpEndPoint!);
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await client.AllocateAsync(Username, Password);
        await client.RequestAsync(client.Authenticate(TurnTestClient.ChannelBindRequest(0x4FFF, (IPEndPoint)peer.LocalEndPoint!), Username, Password));

        // Two messages sent byte by byte, then two in one segment.
        var stream = client.ChannelDataMessage(0x4FFF, "first"u8.ToArray()).Concat(client.ChannelDataMessage(0x4FFF, "second!"u8.ToArray())).ToArray();
        foreach (var b in stream)
            await client.SendRawAsync(new[] { b });
        await client.SendRawAsync(stream);
        Assert.Equal("first", (await ReceiveAsync(peer)).Text);
        Assert.Equal("second!", (await ReceiveAsync(peer)).Text);
        Assert.Equal("first", (await ReceiveAsync(peer)).Text);
        Assert.Equal("second!", (await ReceiveAsync(peer)).Text);
    }

    [Fact]
    public async Task With_a_certificate_the_tcp_port_speaks_turn_over_tls_and_plain_tcp_alike()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        using var certificate = new System.Security.Cryptography.X509Certificates.CertificateRequest(
                "CN=localhost", key, System.Security.Cryptography.HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var server = Start(certificate: certificate);
        Assert.True(server.Tls);
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        using var tls = await TurnTestClient.TlsAsync(server.TcpEndPoint!);
        var relayed = Relayed(await tls.AllocateAsync(Username, Password));
        await tls.RequestAsync(tls.Authenticate(TurnTestClient.ChannelBindRequest(0x4002, (IPEndPoint)peer.LocalEndPoint!), Username, Password));
        await tls.SendRawAsync(tls.ChannelDataMessage(0x4002, "over tls"u8.ToArray()));
        Assert.Equal("over tls", (await ReceiveAsync(peer)).Text);
        await peer.SendToAsync("and back"u8.ToArray(), relayed);
        Assert.Equal("and back", Encoding.UTF8.GetString((await tls.ReceiveAsync()).AsSpan(4)));

        using var plain = await TurnTestClient.TcpAsync(server.TcpEndPoint!);
        Assert.Equal(StunClass.SuccessResponse, (await plain.AllocateAsync(Username, Password)).Type.Class);
        Assert.Equal(2, server.AllocationCount);
    }

    [Fact]
    public async Task A_tls_handshake_that_never_completes_is_closed_after_the_idle_timeout()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        using var certificate = new System.Security.Cryptography.X509Certificates.CertificateRequest(
                "CN=localhost", key, System.Security.Cryptography.HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var server = Start(certificate: certificate);
        using var stalled = await TurnTestClient.TcpAsync(server.TcpEndPoint!);
        await stalled.SendRawAsync(new byte[] { 22, 3, 1 }); // the start of a ClientHello, and nothing more
        using var busy = await TurnTestClient.TcpAsync(server.TcpEndPoint!);
        await busy.AllocateAsync(Username, Password); // a round trip: the listener has both connections
        _time.Advance(TimeSpan.FromSeconds(31));
        await Assert.ThrowsAsync<EndOfStreamException>(stalled.ReceiveAsync);
    }

    [Fact]
    public async Task A_tcp_connection_that_is_not_turn_is_closed()
    {
        var server = Start();
        using var client = await TurnTestClient.TcpAsync(server.TcpEndPoint!);
        await client.SendRawAsync("SSH-2.0-OpenSSH_9.2\r\n"u8.ToArray());
        await Assert.ThrowsAsync<EndOfStreamException>(client.ReceiveAsync);
        // A TLS ClientHello on the plain port starts like STUN, but has no magic cookie.
        using var tls = await TurnTestClient.TcpAsync(server.TcpEndPoint!);
        await tls.SendRawAsync(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03 });
        await Assert.ThrowsAsync<EndOfStreamException>(tls.ReceiveAsync);
    }

    [Fact]
    public async Task A_tcp_connection_that_makes_no_allocation_is_closed_after_the_idle_timeout()
    {
        var server = Start();
        using var idle = await TurnTestClient.TcpAsync(server.TcpEndPoint!);
        using var busy = await TurnTestClient.TcpAsync(server.TcpEndPoint!);
        await busy.AllocateAsync(Username, Password);
        // The listener has the idle connection's timer once it answers a request on it.
        Assert.Equal(401, (await idle.RequestAsync(TurnTestClient.AllocateRequest())).ErrorCode?.Code);
        _time.Advance(TimeSpan.FromSeconds(31));
        await Assert.ThrowsAsync<EndOfStreamException>(idle.ReceiveAsync);
        var stillThere = await busy.RequestAsync(TurnTestClient.NewRequest(StunMethod.Binding));
        Assert.Equal(StunClass.SuccessResponse, stillThere.Type.Class);
    }

    [Fact]
    public async Task Closing_the_tcp_connection_ends_its_allocation()
    {
        var server = Start();
        var client = await TurnTestClient.TcpAsync(server.TcpEndPoint!);
        await client.AllocateAsync(Username, Password);
        Assert.Equal(1, server.AllocationCount);
        client.Dispose();
        await Eventually.True(() => server.AllocationCount == 0, "the allocation is gone with its connection");
    }

    [Fact]
    public async Task An_allocation_lives_its_lifetime_unless_refreshed_and_a_refresh_to_zero_ends_it()
    {
        var server = Start();
        using var client = TurnTestClient.Udp(server.UdpEndPoint!);
        var granted = await client.AllocateAsync(Username, Password, lifetime: 60); // below the default: raised to it
        Assert.Equal(600u, Lifetime(granted));
        using var longer = TurnTestClient.Udp(server.UdpEndPoint!);
        Assert.Equal(3600u, Lifetime(await longer.AllocateAsync(Username, Password, lifetime: 86400))); // capped

        _time.Advance(TimeSpan.FromSeconds(599));
        var refreshed = await client.RequestAsync(client.Authenticate(TurnTestClient.NewRequest(StunMethod.Refresh), Username, Password));
        Assert.Equal(600u, Lifetime(refreshed));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(2, server.AllocationCount);

        _time.Advance(TimeSpan.FromSeconds(600));
        Assert.Equal(1, server.AllocationCount); // the refreshed one expired now; the long one lives on
        client.Learn(await client.RequestAsync(TurnTestClient.NewRequest(StunMethod.Refresh))); // its nonce is stale by now
        longer.Learn(await longer.RequestAsync(TurnTestClient.NewRequest(StunMethod.Refresh)));
        var gone = await client.RequestAsync(client.Authenticate(TurnTestClient.NewRequest(StunMethod.Refresh), Username, Password));
        Assert.Equal(437, gone.ErrorCode?.Code);

        var ended = await longer.RequestAsync(longer.Authenticate(TurnTestClient.NewRequest(StunMethod.Refresh)
            .Add(TurnAttributeType.Lifetime, TurnTestClient.BigEndian(0)), Username, Password));
        Assert.Equal(0u, Lifetime(ended));
        Assert.Equal(0, server.AllocationCount);
    }

    [Fact]
    public async Task Unknown_comprehension_required_attributes_are_named_in_a_420()
    {
        var server = Start();
        using var client = TurnTestClient.Udp(server.UdpEndPoint!);
        client.Learn(await client.RequestAsync(TurnTestClient.AllocateRequest()));
        var request = TurnTestClient.AllocateRequest().Add(TurnAttributeType.EvenPort, [0x80, 0, 0, 0]);
        var response = await client.RequestAsync(client.Authenticate(request, Username, Password));
        Assert.Equal(420, response.ErrorCode?.Code);
        Assert.True(response.TryGetAttribute(StunAttributeType.UnknownAttributes, out var unknown));
        Assert.Equal([0x00, 0x18], unknown.ToArray());
    }

    [Fact]
    public async Task Only_udp_relays_are_offered()
    {
        var server = Start();
        using var client = TurnTestClient.Udp(server.UdpEndPoint!);
        client.Learn(await client.RequestAsync(TurnTestClient.AllocateRequest()));
        var tcpRelay = TurnTestClient.NewRequest(StunMethod.Allocate).Add(TurnAttributeType.RequestedTransport, [6, 0, 0, 0]);
        Assert.Equal(442, (await client.RequestAsync(client.Authenticate(tcpRelay, Username, Password))).ErrorCode?.Code);
    }

    private static uint Lifetime(StunMessage response)
    {
        Assert.True(response.TryGetAttribute(TurnAttributeType.Lifetime, out var value));
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(value);
    }

    private static IPEndPoint Relayed(StunMessage response)
    {
        Assert.True(response.TryGetAttribute(TurnAttributeType.XorRelayedAddress, out var value), "XOR-RELAYED-ADDRESS");
        Assert.True(XorAddress.TryDecode(value, response.TransactionId, out var relayed));
        return relayed!;
    }

    private static async Task<(string Text, IPEndPoint Source)> ReceiveAsync(Socket peer)
    {
        var buffer = new byte[2048];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var result = await peer.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
        return (Encoding.UTF8.GetString(buffer, 0, result.ReceivedBytes), (IPEndPoint)result.RemoteEndPoint);
    }

    public void Dispose()
    {
        foreach (var disposable in _disposables)
            disposable.Dispose();
    }
}
