using Tessera.Media.Dtls;
using Tessera.Media.Ice;
using Tessera.Media.Rtcp;
using Tessera.Media.Srtp;
using Tessera.Media.Testing;

namespace Tessera.Bench.Sfu;

/// <summary>
/// One browser-side peer connection over real UDP on 127.0.0.1 (the shared
/// <see cref="BrowserPeerConnection"/>: ICE check, DTLS client handshake, SRTP). Decrypted RTP is
/// handed to <see cref="RtpReceived"/> on the receive loop (no queue, so the measured latency
/// includes nothing but the server and the kernel).
/// </summary>
internal sealed class MediaPeer : IDisposable
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(20);

    private readonly BrowserPeerConnection _connection;
    private readonly byte[] _sendBuffer = new byte[1600];

    public MediaPeer() => _connection = new BrowserPeerConnection("sfubench", OnMedia);

    public DtlsCertificate Certificate => _connection.Certificate;
    public IceCredentials Ice => _connection.Ice;

    /// <summary>Called with each decrypted RTP packet (the span is only valid during the call).</summary>
    public Action<ReadOnlySpan<byte>>? RtpReceived { get; set; }

    public long UndecryptableRtp;

    private void OnMedia(byte[] buffer, int length)
    {
        if (RtcpPacketType.IsRtcp(buffer.AsSpan(0, length)))
            return;
        var incoming = _connection.Incoming;
        if (incoming is null)
            return;
        if (incoming.UnprotectRtp(buffer, length, out int n) == SrtpStatus.Ok)
            RtpReceived?.Invoke(buffer.AsSpan(0, n));
        else
            Interlocked.Increment(ref UndecryptableRtp);
    }

    /// <summary>Answers a down-stream offer like a browser: recvonly, first codec of each section, setup:active.</summary>
    public string AnswerFor(string offerSdp) => _connection.AnswerFor(offerSdp);

    /// <summary>Nominating ICE check (retried until the server knows us), then DTLS as client; SRTP afterwards.</summary>
    public Task ConnectAsync(string remoteSdp, CancellationToken cancel) =>
        _connection.ConnectAsync(ServerCandidate.FirstIpv4Udp(remoteSdp), remoteSdp, HandshakeTimeout, cancel);

    /// <summary>Protects and sends one RTP packet (single sender thread per peer).</summary>
    public void SendRtp(ReadOnlySpan<byte> plain)
    {
        plain.CopyTo(_sendBuffer);
        int n = _connection.Outgoing!.ProtectRtp(_sendBuffer, plain.Length);
        _connection.Send(_sendBuffer.AsSpan(0, n));
    }

    public void Dispose() => _connection.Dispose();
}
