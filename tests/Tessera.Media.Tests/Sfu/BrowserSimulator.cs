using System.Net;
using System.Threading.Channels;
using Tessera.Media.Dtls;
using Tessera.Media.Ice;
using Tessera.Media.Rtcp;
using Tessera.Media.Srtp;
using Tessera.Media.Testing;

namespace Tessera.Media.Tests.Sfu;

/// <summary>
/// Plays the browser over real UDP on 127.0.0.1 through the shared <see cref="BrowserPeerConnection"/>
/// (ICE check, DTLS client handshake, SRTP), adding what tests need: Chrome's publish offer, queued
/// media read on demand, RTCP, and simulated loss.
/// </summary>
internal sealed class BrowserSimulator : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    private readonly Channel<byte[]> _media = Channel.CreateUnbounded<byte[]>();
    private readonly BrowserPeerConnection _connection;
    private int _dropRtp;

    public BrowserSimulator(IceCredentials? ice = null, Tessera.Media.Dtls.DtlsRole dtlsRole = Tessera.Media.Dtls.DtlsRole.Client) =>
        _connection = new BrowserPeerConnection("browser", OnMedia, ice, dtlsRole);

    public DtlsCertificate Certificate => _connection.Certificate;
    public IceCredentials Ice => _connection.Ice;

    /// <summary>Loses the next <paramref name="count"/> RTP packets addressed to this browser.</summary>
    public void LoseNextRtp(int count) => Volatile.Write(ref _dropRtp, count);

    private void OnMedia(byte[] buffer, int length)
    {
        if (!RtcpPacketType.IsRtcp(buffer.AsSpan(0, length)) && Interlocked.Decrement(ref _dropRtp) >= 0)
            return; // simulated loss on the way to this browser
        _media.Writer.TryWrite(buffer.AsSpan(0, length).ToArray());
    }

    /// <summary>The Chromium-shaped publish offer with this browser's credentials.</summary>
    public string PublishOffer() => ChromeSamplesFor(Sdp.ChromeSamples.PublishOffer);

    private string ChromeSamplesFor(string sdp) => sdp
        .Replace("a=ice-ufrag:Jd5r", "a=ice-ufrag:" + Ice.Ufrag)
        .Replace("a=ice-pwd:kX1Zh9vP0Qk3nT7sLw2Yb8Fe", "a=ice-pwd:" + Ice.Password)
        .Replace(Sdp.ChromeSamples.ClientFingerprint, Certificate.Fingerprint.ToSdpValue());

    /// <summary>Answers a down-stream offer like Chrome: recvonly, first codec of each section, setup:active.</summary>
    public string AnswerFor(string offerSdp) => _connection.AnswerFor(offerSdp);

    /// <summary>ICE check (nominating), then the DTLS handshake as client; SRTP is ready afterwards.</summary>
    public Task ConnectAsync(IPEndPoint server, string remoteSdp) => _connection.ConnectAsync(server, remoteSdp, Generous);

    public async Task SendRtpAsync(byte[] plain)
    {
        var buffer = new byte[plain.Length + 32];
        plain.CopyTo(buffer, 0);
        int n = _connection.Outgoing!.ProtectRtp(buffer, plain.Length);
        await _connection.SendAsync(buffer.AsMemory(0, n));
    }

    public async Task SendRtcpAsync(params RtcpPacket[] packets)
    {
        byte[] plain = RtcpCompound.Serialize(packets);
        var buffer = new byte[plain.Length + 32];
        plain.CopyTo(buffer, 0);
        int n = _connection.Outgoing!.ProtectRtcp(buffer, plain.Length);
        await _connection.SendAsync(buffer.AsMemory(0, n));
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
        using var cts = new CancellationTokenSource(Generous);
        while (true)
        {
            var datagram = await _media.Reader.ReadAsync(cts.Token);
            if (RtcpPacketType.IsRtcp(datagram))
            {
                if (rtcp && _connection.Incoming!.UnprotectRtcp(datagram, datagram.Length, out int n) == SrtpStatus.Ok
                    && RtcpCompound.TryParse(datagram.AsSpan(0, n), out var packets))
                    return (null, packets);
            }
            else if (!rtcp && _connection.Incoming!.UnprotectRtp(datagram, datagram.Length, out int n) == SrtpStatus.Ok)
            {
                return (datagram[..n], null);
            }
        }
    }

    public void Dispose() => _connection.Dispose();
}
