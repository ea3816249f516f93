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
using Tessera.Media.Tests.Dtls;

namespace Tessera.Media.Tests.Sfu;

/// <summary>
/// Plays the browser over real UDP on 127.0.0.1: ICE checks, the DTLS client handshake, SRTP, with
/// one socket demultiplexed like a browser does.
/// </summary>
internal sealed class BrowserSimulator : IDisposable
{
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly Channel<StunMessage> _stun = Channel.CreateUnbounded<StunMessage>();
    private readonly Channel<byte[]> _media = Channel.CreateUnbounded<byte[]>();
    private readonly QueuedDatagramTransport _dtls;
    private readonly CancellationTokenSource _stop = new();
    private IPEndPoint? _server;
    private SrtpContext? _outgoing;
    private SrtpContext? _incoming;

    private int _dropRtp;

    /// <summary>Loses the next <paramref name="count"/> RTP packets addressed to this browser.</summary>
    public void LoseNextRtp(int count) => Volatile.Write(ref _dropRtp, count);

    public BrowserSimulator(IceCredentials? ice = null)
    {
        Ice = ice ?? IceCredentials.Generate();
        _dtls = new QueuedDatagramTransport(d => _udp.Send(d.Span, _server!));
        _ = Task.Run(ReceiveLoop);
    }

    public DtlsCertificate Certificate { get; } = DtlsCertificate.Generate("browser");
    public IceCredentials Ice { get; }

    private async Task ReceiveLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult r;
            try
            {
                r = await _udp.ReceiveAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }
            byte first = r.Buffer[0];
            if (first <= 3 && StunMessage.TryParse(r.Buffer, out var m))
                _stun.Writer.TryWrite(m!);
            else if (first is >= 20 and <= 63)
                _dtls.Deliver(r.Buffer);
            else if (first is >= 128 and <= 191)
            {
                if (!RtcpPacketType.IsRtcp(r.Buffer) && Interlocked.Decrement(ref _dropRtp) >= 0)
                    continue; // simulated loss on the way to this browser
                _media.Writer.TryWrite(r.Buffer);
            }
        }
    }

    /// <summary>The Chromium-shaped publish offer with this browser's credentials.</summary>
    public string PublishOffer() => ChromeSamplesFor(Sdp.ChromeSamples.PublishOffer);

    private string ChromeSamplesFor(string sdp) => sdp
        .Replace("a=ice-ufrag:Jd5r", "a=ice-ufrag:" + Ice.Ufrag)
        .Replace("a=ice-pwd:kX1Zh9vP0Qk3nT7sLw2Yb8Fe", "a=ice-pwd:" + Ice.Password)
        .Replace(Sdp.ChromeSamples.ClientFingerprint, Certificate.Fingerprint.ToSdpValue());

    /// <summary>Answers a down-stream offer like Chrome: recvonly, first codec of each section, setup:active.</summary>
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

    /// <summary>ICE check (nominating), then the DTLS handshake as client; SRTP is ready afterwards.</summary>
    public async Task ConnectAsync(IPEndPoint server, string remoteSdp)
    {
        _server = server;
        var remote = RemoteTransport.From(SessionDescription.Parse(remoteSdp));
        var request = new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId())
            .AddUsername($"{remote.IceUfrag}:{Ice.Ufrag}").AddPriority(1845501695).AddIceControlling(7).AddUseCandidate()
            .AddMessageIntegrity(remote.IcePassword).AddFingerprint().ToArray();
        await _udp.SendAsync(request, server);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var response = await _stun.Reader.ReadAsync(cts.Token);
        Assert.Equal(StunMessageType.BindingSuccess, response.Type);

        var client = new DtlsTestClient(Certificate, remote.Fingerprint, [(int)SrtpProfile.AeadAes128Gcm, (int)SrtpProfile.AesCm128HmacSha1_80]);
        await Task.Run(() => new DtlsClientProtocol().Connect(client, _dtls)).WaitAsync(TimeSpan.FromSeconds(10));
        (_outgoing, _incoming) = client.Keys!.CreateClientContexts();
    }

    public async Task SendRtpAsync(byte[] plain)
    {
        var buffer = new byte[plain.Length + 32];
        plain.CopyTo(buffer, 0);
        int n = _outgoing!.ProtectRtp(buffer, plain.Length);
        await _udp.SendAsync(buffer.AsMemory(0, n), _server!);
    }

    public async Task SendRtcpAsync(params RtcpPacket[] packets)
    {
        byte[] plain = RtcpCompound.Serialize(packets);
        var buffer = new byte[plain.Length + 32];
        plain.CopyTo(buffer, 0);
        int n = _outgoing!.ProtectRtcp(buffer, plain.Length);
        await _udp.SendAsync(buffer.AsMemory(0, n), _server!);
    }

    /// <summary>Next decrypted RTP packet (RTCP is skipped).</summary>
    public async Task<byte[]> ReceiveRtpAsync() => (await ReceiveAsync(rtcp: false)).Rtp!;

    /// <summary>Waits for an RTCP packet of type T.</summary>
    public async Task<T> ReceiveRtcpAsync<T>() where T : RtcpPacket
    {
        while (true)
        {
            var (_, rtcp) = await ReceiveAsync(rtcp: true);
            if (rtcp!.OfType<T>().FirstOrDefault() is { } found)
                return found;
        }
    }

    private async Task<(byte[]? Rtp, List<RtcpPacket>? Rtcp)> ReceiveAsync(bool rtcp)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var datagram = await _media.Reader.ReadAsync(cts.Token);
            if (RtcpPacketType.IsRtcp(datagram))
            {
                if (rtcp && _incoming!.UnprotectRtcp(datagram, datagram.Length, out int n) == SrtpStatus.Ok
                    && RtcpCompound.TryParse(datagram.AsSpan(0, n), out var packets))
                    return (null, packets);
            }
            else if (!rtcp && _incoming!.UnprotectRtp(datagram, datagram.Length, out int n) == SrtpStatus.Ok)
            {
                return (datagram[..n], null);
            }
        }
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
