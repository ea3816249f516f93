using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Org.BouncyCastle.Tls;
using Tessera.Media.Dtls;
using Tessera.Media.Ice;
using Tessera.Media.Rtcp;
using Tessera.Media.Sdp;
using Tessera.Media.Srtp;
using Tessera.Media.Stun;

namespace Tessera.Bench.Sfu;

/// <summary>
/// One browser-side peer connection over real UDP on 127.0.0.1: ICE check, DTLS client handshake,
/// SRTP. Decrypted RTP is handed to <see cref="RtpReceived"/> on the receive loop (no queue, so the
/// measured latency includes nothing but the server and the kernel).
/// </summary>
internal sealed class MediaPeer : IDisposable
{
    private readonly Socket _udp = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Channel<StunMessage> _stun = Channel.CreateUnbounded<StunMessage>();
    private readonly QueuedDatagramTransport _dtls;
    private readonly CancellationTokenSource _stop = new();
    private IPEndPoint? _server;
    private SrtpContext? _outgoing;
    private volatile SrtpContext? _incoming;

    public MediaPeer()
    {
        _udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _udp.ReceiveBufferSize = 1 << 20;
        _dtls = new QueuedDatagramTransport(d => _udp.SendTo(d.Span, SocketFlags.None, _server!));
        _ = Task.Run(ReceiveLoop);
    }

    public DtlsCertificate Certificate { get; } = DtlsCertificate.Generate("sfubench");
    public IceCredentials Ice { get; } = IceCredentials.Generate();

    /// <summary>Called with each decrypted RTP packet (the span is only valid during the call).</summary>
    public Action<ReadOnlySpan<byte>>? RtpReceived { get; set; }

    public long UndecryptableRtp;

    private async Task ReceiveLoop()
    {
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                var r = await _udp.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
                length = r.ReceivedBytes;
            }
            catch (Exception)
            {
                return;
            }
            if (length == 0)
                continue;
            byte first = buffer[0];
            if (first <= 3 && StunMessage.TryParse(buffer.AsSpan(0, length).ToArray(), out var m))
                _stun.Writer.TryWrite(m!);
            else if (first is >= 20 and <= 63)
                _dtls.Deliver(buffer.AsSpan(0, length));
            else if (first is >= 128 and <= 191 && !RtcpPacketType.IsRtcp(buffer.AsSpan(0, length)))
            {
                var incoming = _incoming;
                if (incoming is null)
                    continue;
                if (incoming.UnprotectRtp(buffer, length, out int n) == SrtpStatus.Ok)
                    RtpReceived?.Invoke(buffer.AsSpan(0, n));
                else
                    Interlocked.Increment(ref UndecryptableRtp);
            }
        }
    }

    /// <summary>The server's host candidate: the first IPv4 UDP a=candidate line of its SDP.</summary>
    public static IPEndPoint ServerCandidate(string sdp)
    {
        foreach (var raw in sdp.Split('\n'))
        {
            string line = raw.Trim();
            if (!line.StartsWith("a=candidate:"))
                continue;
            var f = line.Split(' ');
            if (f.Length > 5 && f[2].Equals("udp", StringComparison.OrdinalIgnoreCase) && IPAddress.TryParse(f[4], out var ip)
                && ip.AddressFamily == AddressFamily.InterNetwork)
                return new IPEndPoint(ip, int.Parse(f[5]));
        }
        throw new InvalidOperationException("no IPv4 UDP candidate in the server's SDP");
    }

    /// <summary>Answers a down-stream offer like a browser: recvonly, first codec of each section, setup:active.</summary>
    public string AnswerFor(string offerSdp)
    {
        var offer = SessionDescription.Parse(offerSdp);
        var answer = new SessionDescription { Origin = "- 99 2 IN IP4 127.0.0.1" };
        answer.OtherLines.Add("t=0 0");
        answer.Attributes.Add(new SdpAttribute("group", "BUNDLE " + string.Join(' ', offer.Media.Select(m => m.Mid))));
        foreach (var m in offer.Media)
        {
            var a = new MediaDescription { Media = m.Media, Port = 9, Formats = [m.Formats[0]] };
            a.OtherLines.Add("c=IN IP4 0.0.0.0");
            a.Attributes.Add(new SdpAttribute("ice-ufrag", Ice.Ufrag));
            a.Attributes.Add(new SdpAttribute("ice-pwd", Ice.Password));
            a.Attributes.Add(new SdpAttribute("fingerprint", Certificate.Fingerprint.ToSdpValue()));
            a.Attributes.Add(new SdpAttribute("setup", "active"));
            a.Attributes.Add(new SdpAttribute("mid", m.Mid));
            a.Attributes.Add(new SdpAttribute("recvonly"));
            a.Attributes.Add(new SdpAttribute("rtcp-mux"));
            a.Attributes.AddRange(m.Attributes.Where(x => x.Name is "rtpmap" or "fmtp" or "rtcp-fb" && x.Value!.StartsWith(m.Formats[0] + " ")));
            answer.Media.Add(a);
        }
        return answer.ToString();
    }

    /// <summary>Nominating ICE check (retried until the server knows us), then DTLS as client; SRTP afterwards.</summary>
    public async Task ConnectAsync(string remoteSdp, CancellationToken cancel)
    {
        _server = ServerCandidate(remoteSdp);
        var remote = RemoteTransport.From(SessionDescription.Parse(remoteSdp));
        while (true)
        {
            var request = new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId())
                .AddUsername($"{remote.IceUfrag}:{Ice.Ufrag}").AddPriority(1845501695).AddIceControlling(7).AddUseCandidate()
                .AddMessageIntegrity(remote.IcePassword).AddFingerprint().ToArray();
            _udp.SendTo(request, _server);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            wait.CancelAfter(TimeSpan.FromMilliseconds(300));
            try
            {
                var response = await _stun.Reader.ReadAsync(wait.Token);
                if (response.Type == StunMessageType.BindingSuccess)
                    break;
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
            }
        }
        var client = new BenchDtlsClient(Certificate, remote.Fingerprint, [(int)SrtpProfile.AeadAes128Gcm, (int)SrtpProfile.AesCm128HmacSha1_80]);
        await Task.Run(() => new DtlsClientProtocol().Connect(client, _dtls)).WaitAsync(TimeSpan.FromSeconds(20), cancel);
        var (outgoing, incoming) = client.Keys!.CreateClientContexts();
        _outgoing = outgoing;
        _incoming = incoming;
    }

    private readonly byte[] _sendBuffer = new byte[1600];

    /// <summary>Protects and sends one RTP packet (single sender thread per peer).</summary>
    public void SendRtp(byte[] plain)
    {
        plain.CopyTo(_sendBuffer, 0);
        int n = _outgoing!.ProtectRtp(_sendBuffer, plain.Length);
        _udp.SendTo(_sendBuffer.AsSpan(0, n), SocketFlags.None, _server!);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _dtls.Close();
        _udp.Dispose();
        _outgoing?.Dispose();
        _incoming?.Dispose();
    }
}
