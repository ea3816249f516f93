using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Org.BouncyCastle.Tls;
using Tessera.Media.Dtls;
using Tessera.Media.Ice;
using Tessera.Media.Sdp;
using Tessera.Media.Srtp;
using Tessera.Media.Stun;

namespace Tessera.Media.Testing;

/// <summary>
/// The browser's side of one peer connection over real UDP on 127.0.0.1: one socket demultiplexed
/// like a browser does (RFC 7983), a nominating ICE check keyed with the server's ice-pwd, the DTLS
/// handshake as client, then SRTP contexts. Media datagrams go to the handler on the receive loop
/// with no queue in between, so a benchmark measures nothing but the server and the kernel.
/// </summary>
public sealed class BrowserPeerConnection : IDisposable
{
    /// <summary>How long to wait for an answer before sending the check again (browsers start near this).</summary>
    private static readonly TimeSpan CheckRetransmission = TimeSpan.FromMilliseconds(300);

    /// <summary>Consent freshness (RFC 7675 §5.1): a check every 4–6 s once connected, as browsers do.</summary>
    private static TimeSpan NextConsentCheck() => TimeSpan.FromMilliseconds(Random.Shared.Next(4000, 6000));

    private readonly Socket _udp = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Channel<StunMessage> _stun = Channel.CreateUnbounded<StunMessage>();
    private readonly QueuedDatagramTransport _dtls;
    private readonly CancellationTokenSource _stop = new();
    private readonly MediaDatagramHandler _onMedia;
    private IPEndPoint? _server;
    private volatile SrtpContext? _incoming;
    private volatile bool _connected;
    private volatile DtlsSession? _dtlsServer;

    /// <param name="certificateName">Subject of the self-signed ECDSA certificate, like a browser's per-connection one.</param>
    /// <param name="onMedia">Gets every SRTP/SRTCP datagram, still protected.</param>
    /// <param name="ice">Our ICE credentials; fresh random ones when null.</param>
    /// <param name="dtlsRole">Client, as browsers take it; Server answers down-stream offers with a=setup:passive, as pion does.</param>
    public BrowserPeerConnection(string certificateName, MediaDatagramHandler onMedia, IceCredentials? ice = null,
                                 DtlsRole dtlsRole = DtlsRole.Client)
    {
        DtlsRole = dtlsRole;
        Certificate = DtlsCertificate.Generate(certificateName);
        Ice = ice ?? IceCredentials.Generate();
        _onMedia = onMedia;
        _udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _udp.ReceiveBufferSize = 1 << 20; // bursts of fan-out must not overflow the default buffer
        _dtls = new QueuedDatagramTransport(d => _udp.SendTo(d.Span, SocketFlags.None, _server!));
        _ = Task.Run(ReceiveLoop);
    }

    public DtlsCertificate Certificate { get; }
    public DtlsRole DtlsRole { get; }
    public IceCredentials Ice { get; }
    public IPEndPoint LocalEndPoint => (IPEndPoint)_udp.LocalEndPoint!;

    /// <summary>SRTP context for what we send; set by <see cref="ConnectAsync"/>.</summary>
    public SrtpContext? Outgoing { get; private set; }

    /// <summary>SRTP context for what the server sends; set by <see cref="ConnectAsync"/>.</summary>
    public SrtpContext? Incoming => _incoming;

    /// <summary>Chrome's answer to a down-stream offer, with our credentials (see <see cref="RecvOnlyAnswer"/>).</summary>
    public string AnswerFor(string offerSdp) =>
        RecvOnlyAnswer.For(offerSdp, Ice, Certificate.Fingerprint, DtlsRole == DtlsRole.Server ? "passive" : "active");

    /// <summary>
    /// ICE check (nominating, resent until answered), then the DTLS handshake as client; SRTP is ready
    /// afterwards. Each of the two phases gets <paramref name="timeout"/>.
    /// </summary>
    /// <exception cref="IceCheckRefusedException">The server answered the check with an error.</exception>
    /// <exception cref="TimeoutException">A phase did not complete in time.</exception>
    public async Task ConnectAsync(IPEndPoint server, string remoteSdp, TimeSpan timeout, CancellationToken cancel = default)
    {
        _server = server;
        var remote = RemoteTransport.From(SessionDescription.Parse(remoteSdp));
        if (DtlsRole == DtlsRole.Server)
        {
            // Ready before the check: the server's ClientHello follows our check's answer at once.
            var session = new DtlsSession(Certificate, remote.Fingerprint, d => _udp.SendTo(d.Span, SocketFlags.None, _server!),
                                          DtlsRole.Server, handshakeTimeoutMillis: 10_000);
            _dtlsServer = session;
            await CheckConnectivityAsync(remote, timeout, cancel);
            _connected = true;
            _ = KeepConsentAsync(remote);
            var keys = await session.HandshakeAsync().WaitAsync(timeout, cancel);
            var (serverOut, serverIn) = keys.CreateContexts(DtlsRole.Server);
            Outgoing = serverOut;
            _incoming = serverIn;
            return;
        }
        await CheckConnectivityAsync(remote, timeout, cancel);
        _connected = true;
        _ = KeepConsentAsync(remote);
        var client = new BrowserDtlsClient(Certificate, remote.Fingerprint, BrowserDtlsClient.BrowserProfiles);
        // BouncyCastle's handshake blocks: a thread of its own, so that hundreds of peers connecting
        // at once do not starve the thread pool that runs everybody's ICE checks.
        await Task.Factory.StartNew(() => new DtlsClientProtocol().Connect(client, _dtls), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default).WaitAsync(timeout, cancel);
        var (outgoing, incoming) = client.Keys!.CreateClientContexts();
        Outgoing = outgoing;
        _incoming = incoming;
    }

    private async Task CheckConnectivityAsync(RemoteTransport remote, TimeSpan timeout, CancellationToken cancel)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        var sent = new List<byte[]>();
        while (true)
        {
            var transactionId = StunMessageBuilder.NewTransactionId();
            sent.Add(transactionId);
            _udp.SendTo(NominatingIceCheck.Request(remote, Ice, transactionId), _server!);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
            wait.CancelAfter(CheckRetransmission);
            try
            {
                while (true)
                {
                    var response = await _stun.Reader.ReadAsync(wait.Token);
                    if (!sent.Any(id => response.TransactionId.SequenceEqual(id)))
                        continue; // not an answer to our checks
                    if (response.Type == StunMessageType.BindingSuccess)
                        return;
                    if (response.Type == StunMessageType.BindingError)
                        throw new IceCheckRefusedException(response.ErrorCode?.Code);
                }
            }
            catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
            {
                // no answer yet: send the check again
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                throw new TimeoutException($"no answer to the ICE check within {timeout.TotalSeconds} s");
            }
        }
    }

    // Without these the server rightly times the connection out after 30 s.
    private async Task KeepConsentAsync(RemoteTransport remote)
    {
        try
        {
            while (true)
            {
                await Task.Delay(NextConsentCheck(), _stop.Token);
                _udp.SendTo(NominatingIceCheck.Request(remote, Ice, StunMessageBuilder.NewTransactionId()), _server!);
            }
        }
        catch (Exception)
        {
            // stopped or disposed
        }
    }

    /// <summary>Sends one datagram to the server (synchronously: the cheapest path for a sender thread).</summary>
    public void Send(ReadOnlySpan<byte> datagram) => _udp.SendTo(datagram, SocketFlags.None, _server!);

    public async Task SendAsync(ReadOnlyMemory<byte> datagram) => await _udp.SendToAsync(datagram, SocketFlags.None, _server!);

    private async Task ReceiveLoop()
    {
        var buffer = new byte[2048];
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                // Not ReceiveFromAsync: the sender's address is not needed, and that call allocates
                // an endpoint per datagram, which a load client receiving 100,000 datagrams/s pays for.
                length = await _udp.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            }
            catch (Exception)
            {
                return; // disposed
            }
            if (length == 0)
                continue;
            byte first = buffer[0];
            if (first <= 3)
            {
                // Answers to consent checks are not awaited: only the first check's are read.
                if (!_connected && StunMessage.TryParse(buffer.AsSpan(0, length), out var m))
                    _stun.Writer.TryWrite(m!);
            }
            else if (first is >= 20 and <= 63)
            {
                if (_dtlsServer is { } session) session.Deliver(buffer.AsSpan(0, length));
                else _dtls.Deliver(buffer.AsSpan(0, length));
            }
            else if (first is >= 128 and <= 191)
                _onMedia(buffer, length);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _dtls.Close();
        _dtlsServer?.Dispose();
        _udp.Dispose();
        Outgoing?.Dispose();
        _incoming?.Dispose();
    }
}
